package io.foleystream.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * The graph contract: every graph's inputs and outputs (names, dtypes, shapes) as
 * {@code contract.json} declares them, the one file the exporter builds its graphs from and the
 * engine checks manifests against (docs/model-set.md, "The graph contract"). The build copies it
 * from the exporter's package into this package's resources.
 *
 * <p>A shape entry is a declared batch or length axis (symbolic), a {@code sequence.<field>}
 * reference to the manifest's {@code sequence} block, or a size the models fix.
 */
final class GraphContract {

  /** The classpath resource, beside this class. */
  static final String RESOURCE = "contract.json";
  static final String FORMAT = "foleystream-graph-contract";
  private static final String SEQUENCE_PREFIX = "sequence.";

  /**
   * One declared tensor, its shape not yet resolved against a manifest.
   *
   * @param name the ONNX name
   * @param dtype the element type
   * @param shape each entry an axis name or {@code sequence.<field>} ({@link String}), or a size
   *     ({@link Long})
   */
  record Tensor(String name, String dtype, List<Object> shape) {

    Tensor {
      shape = List.copyOf(shape);
    }

    /**
     * The tensor with every {@code sequence.} reference replaced by its size.
     *
     * @param sequence a field of the manifest's {@code sequence} block to its size
     * @return the resolved spec
     */
    TensorSpec resolve(ToIntFunction<String> sequence) {
      List<TensorSpec.Dimension> dims = new ArrayList<>(shape.size());
      for (Object dim : shape) {
        if (dim instanceof Long size) {
          dims.add(TensorSpec.Dimension.fixed(size));
        } else if (((String) dim).startsWith(SEQUENCE_PREFIX)) {
          String field = ((String) dim).substring(SEQUENCE_PREFIX.length());
          dims.add(TensorSpec.Dimension.fixed(sequence.applyAsInt(field)));
        } else {
          dims.add(TensorSpec.Dimension.symbolic((String) dim));
        }
      }
      return new TensorSpec(name, dtype, dims);
    }
  }

  /**
   * One graph's declared interface.
   *
   * @param inputs in the graph's input order
   * @param outputs in the graph's output order
   */
  record Graph(List<Tensor> inputs, List<Tensor> outputs) {

    Graph {
      inputs = List.copyOf(inputs);
      outputs = List.copyOf(outputs);
    }
  }

  private static final class Holder {
    private static final GraphContract INSTANCE = load();
  }

  private final Map<String, Graph> graphs;

  private GraphContract(Map<String, Graph> graphs) {
    this.graphs = Collections.unmodifiableMap(graphs);
  }

  /**
   * The contract this build carries.
   *
   * @return the contract, read once
   * @throws IllegalStateException if the resource is missing or malformed (a broken build)
   */
  static GraphContract get() {
    return Holder.INSTANCE;
  }

  /**
   * The graphs, by manifest key, in set order.
   *
   * @return every graph
   */
  Map<String, Graph> graphs() {
    return graphs;
  }

  /**
   * One graph's interface.
   *
   * @param key e.g. {@code "velocity"}
   * @return the graph
   * @throws IllegalStateException if the contract lacks it
   */
  Graph graph(String key) {
    Graph graph = graphs.get(key);
    if (graph == null) {
      throw new IllegalStateException(RESOURCE + " declares no graph '" + key + "'");
    }
    return graph;
  }

  private static GraphContract load() {
    try (InputStream in = GraphContract.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing beside "
            + GraphContract.class.getName() + " (the build copies it from onnx-models)");
      }
      return parse(new ObjectMapper().readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  /**
   * Reads a contract, checking that every shape entry is a declared axis, a {@code sequence.}
   * reference or a positive size.
   *
   * @param root the parsed JSON
   * @return the contract
   * @throws IllegalStateException naming the first malformed entry
   */
  static GraphContract parse(JsonNode root) {
    if (!FORMAT.equals(root.path("format").asText())) {
      throw new IllegalStateException(RESOURCE + " is not a " + FORMAT + " file");
    }
    Set<String> axes = new HashSet<>();
    root.path("axes").path("batch").forEach(axis -> axes.add(axis.asText()));
    root.path("axes").path("length").fieldNames().forEachRemaining(axes::add);
    Map<String, Graph> graphs = new LinkedHashMap<>();
    root.path("graphs").fields().forEachRemaining(entry -> graphs.put(entry.getKey(),
        new Graph(tensors(entry.getKey(), entry.getValue().path("inputs"), axes),
            tensors(entry.getKey(), entry.getValue().path("outputs"), axes))));
    if (graphs.isEmpty()) {
      throw new IllegalStateException(RESOURCE + " declares no graphs");
    }
    return new GraphContract(graphs);
  }

  private static List<Tensor> tensors(String graph, JsonNode list, Set<String> axes) {
    if (!list.isArray() || list.isEmpty()) {
      throw new IllegalStateException(RESOURCE + ": " + graph + " lacks its inputs or outputs");
    }
    List<Tensor> tensors = new ArrayList<>();
    for (JsonNode node : list) {
      String name = node.path("name").asText();
      List<Object> shape = new ArrayList<>();
      for (JsonNode dim : node.path("shape")) {
        if (dim.isIntegralNumber() && dim.asLong() > 0) {
          shape.add(dim.asLong());
        } else if (dim.isTextual()
            && (axes.contains(dim.asText()) || dim.asText().startsWith(SEQUENCE_PREFIX))) {
          shape.add(dim.asText());
        } else {
          throw new IllegalStateException(RESOURCE + ": " + graph + "." + name
              + " has the shape entry " + dim
              + ", neither a declared axis, a sequence reference nor a positive size");
        }
      }
      tensors.add(new Tensor(name, node.path("dtype").asText(), shape));
    }
    return tensors;
  }
}
