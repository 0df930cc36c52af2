package io.foleystream.inference;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Looks through an ONNX graph's nodes for a pattern that crashes ONNX Runtime's extended graph
 * optimizations (a segmentation fault while the session is created, in 1.22 up to at least 1.29):
 * a {@code LayerNormalization} node whose optional bias input is present but named {@code ""},
 * which is how PyTorch exports a layer norm without a bias. Such a graph is then loaded with basic
 * optimizations only, which do not crash.
 *
 * <p>It reads the protobuf wire format with protobuf-java's {@link CodedInputStream} (ONNX's
 * generated Java classes are not published), visiting only {@code ModelProto.graph.node} and
 * skipping the weights.
 */
final class OptimizerHazardScan {

  private static final int MODEL_GRAPH = 7;
  private static final int GRAPH_NODE = 1;
  private static final int NODE_INPUT = 1;
  private static final int NODE_OP_TYPE = 4;

  private OptimizerHazardScan() {}

  /**
   * Counts the {@code LayerNormalization} nodes with an explicitly empty input.
   *
   * @param file an ONNX model file
   * @return how many there are; 0 also when the file is not a readable model (ONNX Runtime then
   *     reports the problem itself)
   */
  static int bareLayerNorms(Path file) {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      CodedInputStream model = CodedInputStream.newInstance(in);
      int found = 0;
      for (int tag; (tag = model.readTag()) != 0; ) {
        if (WireFormat.getTagFieldNumber(tag) == MODEL_GRAPH
            && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
          int limit = model.pushLimit(model.readRawVarint32());
          found += graph(model);
          model.popLimit(limit);
        } else {
          model.skipField(tag);
        }
      }
      return found;
    } catch (IOException e) {
      return 0;
    }
  }

  private static int graph(CodedInputStream graph) throws IOException {
    int found = 0;
    for (int tag; (tag = graph.readTag()) != 0; ) {
      if (WireFormat.getTagFieldNumber(tag) == GRAPH_NODE
          && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        int limit = graph.pushLimit(graph.readRawVarint32());
        if (isBareLayerNorm(graph)) {
          found++;
        }
        graph.popLimit(limit);
      } else {
        graph.skipField(tag);
      }
    }
    return found;
  }

  private static boolean isBareLayerNorm(CodedInputStream node) throws IOException {
    boolean emptyInput = false;
    String opType = "";
    for (int tag; (tag = node.readTag()) != 0; ) {
      int field = WireFormat.getTagFieldNumber(tag);
      if (field == NODE_INPUT) {
        emptyInput |= node.readStringRequireUtf8().isEmpty();
      } else if (field == NODE_OP_TYPE) {
        opType = node.readStringRequireUtf8();
      } else {
        node.skipField(tag);
      }
    }
    return emptyInput && opType.equals("LayerNormalization");
  }
}
