package io.foleystream.inference;

import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;

/**
 * The seven graphs of a model set. Their inputs and outputs (names, dtypes, shapes) are not
 * written here but read from the {@link GraphContract}, the declaration the exporter builds the
 * graphs from; the engine's call sites take tensor names from these accessors, by position in
 * the graph's signature. Batch dimensions and the duration-dependent lengths ({@link
 * SequenceLengths}) are symbolic, so one set serves every duration; every other size follows
 * from the manifest's {@code sequence} block.
 */
public enum ModelGraph {

  /** CLIP image tower: normalised frames to L2-normalised features. */
  CLIP_IMAGE,
  /** CLIP text tower: token ids to per-token features. */
  CLIP_TEXT,
  /** Synchformer: 16-frame segments to 8 feature rows each. */
  SYNCHFORMER,
  /** MMAudio's condition preprocessing, once per window and branch. */
  CONDITIONS,
  /** One flow prediction: the network evaluation of one Euler step. */
  VELOCITY,
  /** Latent un-normalisation, VAE decoder and mel un-normalisation: the whole window's mel. */
  VAE_DECODER,
  /** The vocoder: mel to waveform, any stretch of a window's mel. */
  VOCODER;

  private final String key = name().toLowerCase(Locale.ROOT);

  /**
   * The graph's key in the manifest's {@code models} object and in the contract.
   *
   * @return e.g. {@code "velocity"}
   */
  public String key() {
    return key;
  }

  /**
   * The graph for a manifest key.
   *
   * @param key e.g. {@code "clip_text"}
   * @return the graph, or null if no graph has that key
   */
  static ModelGraph forKey(String key) {
    for (ModelGraph graph : values()) {
      if (graph.key.equals(key)) {
        return graph;
      }
    }
    return null;
  }

  /**
   * The inputs a set must declare for this graph.
   *
   * @param sequence a field of the manifest's {@code sequence} block to its size
   * @return the contract's inputs, in the graph's order, sizes resolved
   */
  List<TensorSpec> inputs(ToIntFunction<String> sequence) {
    return contract().inputs().stream().map(t -> t.resolve(sequence)).toList();
  }

  /**
   * The outputs a set must declare for this graph.
   *
   * @param sequence a field of the manifest's {@code sequence} block to its size
   * @return the contract's outputs, in the graph's order, sizes resolved
   */
  List<TensorSpec> outputs(ToIntFunction<String> sequence) {
    return contract().outputs().stream().map(t -> t.resolve(sequence)).toList();
  }

  /**
   * The name of one input.
   *
   * @param position its position in the graph's inputs
   * @return the ONNX name
   */
  String inputName(int position) {
    return contract().inputs().get(position).name();
  }

  /**
   * The name of one output.
   *
   * @param position its position in the graph's outputs
   * @return the ONNX name
   */
  String outputName(int position) {
    return contract().outputs().get(position).name();
  }

  /**
   * One output as error messages name it.
   *
   * @param position its position in the graph's outputs
   * @return e.g. {@code "vocoder.waveform"}
   */
  String outputLabel(int position) {
    return key + "." + outputName(position);
  }

  /**
   * The names of every output.
   *
   * @return the ONNX names, in the graph's order
   */
  List<String> outputNames() {
    return contract().outputs().stream().map(GraphContract.Tensor::name).toList();
  }

  private GraphContract.Graph contract() {
    return GraphContract.get().graph(key);
  }

  @Override
  public String toString() {
    return key;
  }
}
