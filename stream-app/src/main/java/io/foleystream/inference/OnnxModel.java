package io.foleystream.inference;

import ai.onnxruntime.OnnxTensorLike;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.Map;

/**
 * One graph's ONNX Runtime session, created once and shared by every thread (ONNX Runtime's run
 * is thread-safe), with the provider it got.
 */
final class OnnxModel implements AutoCloseable {

  private final ModelGraph graph;
  private final OrtSession session;
  private final String provider;

  private final boolean profiling;

  OnnxModel(ModelGraph graph, OrtSession session, String provider, boolean profiling) {
    this.graph = graph;
    this.session = session;
    this.provider = provider;
    this.profiling = profiling;
  }

  String provider() {
    return provider;
  }

  /**
   * Runs the graph; the caller closes the result.
   *
   * @param inputs every input by name
   * @return the outputs
   * @throws InferenceException naming the graph if ONNX Runtime fails
   */
  OrtSession.Result run(Map<String, ? extends OnnxTensorLike> inputs) {
    try {
      return session.run(inputs);
    } catch (OrtException e) {
      throw new InferenceException(graph + ": ONNX Runtime failed: " + e.getMessage(), e);
    }
  }

  /**
   * Runs the graph writing its outputs into pre-allocated tensors, so repeated runs allocate no
   * output memory.
   *
   * @param inputs every input by name
   * @param outputs every output by name, of the right shape
   * @throws InferenceException naming the graph if ONNX Runtime fails
   */
  void runInto(Map<String, ? extends OnnxTensorLike> inputs,
      Map<String, ? extends OnnxValue> outputs) {
    try (OrtSession.Result ignored = session.run(inputs, outputs)) {
      // The outputs are the caller's pinned tensors; the result owns nothing to release.
    } catch (OrtException e) {
      throw new InferenceException(graph + ": ONNX Runtime failed: " + e.getMessage(), e);
    }
  }

  /**
   * Closes the session; a profiling session first writes its profile.
   */
  @Override
  public void close() {
    try {
      if (profiling) {
        session.endProfiling();
      }
      session.close();
    } catch (OrtException e) {
      throw new InferenceException(graph + ": closing the session failed: " + e.getMessage(), e);
    }
  }
}
