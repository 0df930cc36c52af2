package io.foleystream.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A graph holding a {@code LayerNormalization} whose bias input is named {@code ""} crashes the
 * JVM when ONNX Runtime 1.29 optimizes it fully; the engine must spot it and load it safely.
 */
class OptimizerHazardScanTest {

  @TempDir
  Path temp;

  @Test
  void findsLayerNormsWithAnEmptyBiasInput() throws IOException {
    assertEquals(1, OptimizerHazardScan.bareLayerNorms(write("bare.onnx", true)));
    assertEquals(0, OptimizerHazardScan.bareLayerNorms(write("omitted.onnx", false)));
  }

  @Test
  void unreadableFilesAreLeftToOnnxRuntime() throws IOException {
    Path garbage = temp.resolve("garbage.onnx");
    Files.write(garbage, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2});
    assertEquals(0, OptimizerHazardScan.bareLayerNorms(garbage));
    assertEquals(0, OptimizerHazardScan.bareLayerNorms(temp.resolve("missing.onnx")));
  }

  /** If the guard failed, this test would take the whole test JVM down with it. */
  @Test
  void aHazardousGraphLoadsAndRunsWithTheEngineSessionOptions() throws IOException, OrtException {
    Path file = write("bare.onnx", true);
    OrtEnvironment environment = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = ModelSessions.sessionOptions(
            RuntimeOptions.defaults(), ModelGraph.VELOCITY, file);
        OrtSession session = environment.createSession(file.toString(), options);
        OnnxTensor x = OnnxTensor.createTensor(environment, new float[][][] {{{1f, 3f}}});
        OrtSession.Result result = session.run(Map.of("x", x))) {
      float[][][] out = (float[][][]) result.get(0).getValue();
      assertEquals(-1f, out[0][0][0], 1e-3f);
      assertEquals(1f, out[0][0][1], 1e-3f);
    }
  }

  /**
   * Writes {@code out = LayerNormalization(x [B, 1, 2], scale = Constant(ones))}, with the bias
   * input either named "" or left out. Encoded field by field (onnx.proto numbering).
   */
  private Path write(String name, boolean emptyBias) throws IOException {
    byte[] scale = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1f)
        .putFloat(1f).array();
    byte[] tensor = message(out -> {
      out.writeInt64(1, 2);
      out.writeInt32(2, 1);
      out.writeBytes(9, ByteString.copyFrom(scale));
    });
    byte[] constant = message(out -> {
      out.writeString(2, "scale");
      out.writeString(4, "Constant");
      out.writeByteArray(5, message(a -> {
        a.writeString(1, "value");
        a.writeByteArray(5, tensor);
        a.writeInt32(20, 4);
      }));
    });
    byte[] layerNorm = message(out -> {
      for (String input : emptyBias ? List.of("x", "scale", "") : List.of("x", "scale")) {
        out.writeString(1, input);
      }
      out.writeString(2, "out");
      out.writeString(4, "LayerNormalization");
      out.writeByteArray(5, message(a -> {
        a.writeString(1, "axis");
        a.writeInt64(3, -1);
        a.writeInt32(20, 2);
      }));
    });
    byte[] graph = message(out -> {
      out.writeByteArray(1, constant);
      out.writeByteArray(1, layerNorm);
      out.writeString(2, "hazard");
      out.writeByteArray(11, valueInfo("x"));
      out.writeByteArray(12, valueInfo("out"));
    });
    byte[] model = message(out -> {
      out.writeInt64(1, 8);
      out.writeByteArray(7, graph);
      out.writeByteArray(8, message(o -> {
        o.writeString(1, "");
        o.writeInt64(2, 17);
      }));
    });
    Path file = temp.resolve(name);
    Files.write(file, model);
    return file;
  }

  private static byte[] valueInfo(String name) throws IOException {
    byte[] shape = message(s -> {
      s.writeByteArray(1, message(d -> d.writeString(2, "B")));
      s.writeByteArray(1, message(d -> d.writeInt64(1, 1)));
      s.writeByteArray(1, message(d -> d.writeInt64(1, 2)));
    });
    byte[] tensorType = message(t -> {
      t.writeInt32(1, 1);
      t.writeByteArray(2, shape);
    });
    return message(v -> {
      v.writeString(1, name);
      v.writeByteArray(2, message(t -> t.writeByteArray(1, tensorType)));
    });
  }

  private interface Writer {
    void write(CodedOutputStream out) throws IOException;
  }

  private static byte[] message(Writer writer) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    writer.write(out);
    out.flush();
    return bytes.toByteArray();
  }
}
