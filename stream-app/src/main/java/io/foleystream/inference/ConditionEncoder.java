package io.foleystream.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the {@code conditions} graph on a batch of rows (windows times branches) and keeps its
 * five outputs as ONNX Runtime tensors, which the velocity graph then takes as inputs at every
 * Euler step without a copy.
 */
final class ConditionEncoder {

  /** The names shared by the conditions outputs and the velocity inputs. */
  static final List<String> NAMES = ModelGraph.CONDITIONS.outputNames();

  /** A batch's encoded conditions; closing releases the native tensors. */
  static final class Conditions implements AutoCloseable {
    private final OrtSession.Result result;
    private final Map<String, OnnxTensor> tensors;

    private Conditions(OrtSession.Result result, Map<String, OnnxTensor> tensors) {
      this.result = result;
      this.tensors = tensors;
    }

    Map<String, OnnxTensor> tensors() {
      return tensors;
    }

    @Override
    public void close() {
      result.close();
    }
  }

  private final OnnxModel model;
  private final OrtEnvironment environment;
  private final SequenceConfig sequence;

  /**
   * An encoder for windows of one geometry.
   *
   * @param model the conditions graph
   * @param environment the ONNX Runtime environment
   * @param sequence the windows' geometry: its lengths are the graph's run-time lengths
   */
  ConditionEncoder(OnnxModel model, OrtEnvironment environment, SequenceConfig sequence) {
    this.model = model;
    this.environment = environment;
    this.sequence = sequence;
  }

  /**
   * The geometry this encoder's windows have.
   *
   * @return the sequence configuration
   */
  SequenceConfig sequence() {
    return sequence;
  }

  /**
   * Encodes rows of raw features.
   *
   * @param clip {@code rows * clip_len * clip_dim} floats
   * @param sync {@code rows * sync_len * sync_dim} floats
   * @param text {@code rows * text_len * text_dim} floats
   * @param rows the batch
   * @return the conditions, to be closed by the caller
   */
  Conditions encode(float[] clip, float[] sync, float[] text, int rows) {
    SequenceConfig s = sequence;
    Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
    try {
      ModelGraph graph = ModelGraph.CONDITIONS;
      inputs.put(graph.inputName(0), tensor(clip, rows, s.clipLen(), s.clipDim()));
      inputs.put(graph.inputName(1), tensor(sync, rows, s.syncLen(), s.syncDim()));
      inputs.put(graph.inputName(2), tensor(text, rows, s.textLen(), s.textDim()));
      inputs.put(graph.inputName(3), Tensors.longs(environment, new long[] {s.latentLen()}, 1));
      OrtSession.Result result = model.run(inputs);
      Map<String, OnnxTensor> outputs = new LinkedHashMap<>();
      for (String name : NAMES) {
        OnnxValue value = result.get(name).orElse(null);
        if (!(value instanceof OnnxTensor tensor)) {
          result.close();
          throw new InferenceException("conditions: output '" + name + "' missing");
        }
        outputs.put(name, tensor);
      }
      return new Conditions(result, Map.copyOf(outputs));
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  private OnnxTensor tensor(float[] values, int rows, int length, int width) {
    return Tensors.floats(environment, java.nio.FloatBuffer.wrap(values), rows, length, width);
  }
}
