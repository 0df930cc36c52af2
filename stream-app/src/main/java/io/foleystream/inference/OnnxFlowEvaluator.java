package io.foleystream.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code velocity} graph as a {@link FlowEvaluator}. The latent, time and flow tensors sit on
 * direct buffers allocated once per sampling run, the flow is written by ONNX Runtime straight
 * into its pinned output tensor, and the condition tensors are the conditions graph's own outputs,
 * so an Euler step copies the latents in and allocates no tensor memory.
 */
final class OnnxFlowEvaluator implements FlowEvaluator, AutoCloseable {

  private final OnnxModel model;
  private final int rows;
  private final int rowSize;
  private final FloatBuffer latents;
  private final FloatBuffer times;
  private final FloatBuffer flow;
  private final OnnxTensor latentTensor;
  private final OnnxTensor timeTensor;
  private final OnnxTensor flowTensor;
  private final Map<String, OnnxTensor> inputs;
  private final Map<String, OnnxTensor> outputs;

  OnnxFlowEvaluator(OnnxModel model, OrtEnvironment environment, SequenceConfig sequence,
      ConditionEncoder.Conditions conditions, int rows) {
    this.model = model;
    this.rows = rows;
    this.rowSize = sequence.latentLen() * sequence.latentDim();
    this.latents = Tensors.directFloats(rows * rowSize);
    this.times = Tensors.directFloats(rows);
    this.flow = Tensors.directFloats(rows * rowSize);
    long[] shape = {rows, sequence.latentLen(), sequence.latentDim()};
    OnnxTensor x = null;
    OnnxTensor t = null;
    try {
      x = Tensors.floats(environment, latents, shape);
      t = Tensors.floats(environment, times, rows);
      this.flowTensor = Tensors.floats(environment, flow, shape);
    } catch (RuntimeException e) {
      closeAll(x, t);
      throw e;
    }
    this.latentTensor = x;
    this.timeTensor = t;
    Map<String, OnnxTensor> in = new HashMap<>(conditions.tensors());
    in.put(ModelGraph.VELOCITY.inputName(0), latentTensor);
    in.put(ModelGraph.VELOCITY.inputName(1), timeTensor);
    this.inputs = Map.copyOf(in);
    this.outputs = Map.of(ModelGraph.VELOCITY.outputName(0), flowTensor);
  }

  @Override
  public int rows() {
    return rows;
  }

  @Override
  public int rowSize() {
    return rowSize;
  }

  @Override
  public FloatBuffer latents() {
    return latents;
  }

  @Override
  public FloatBuffer evaluate(float t) {
    for (int i = 0; i < rows; i++) {
      times.put(i, t);
    }
    model.runInto(inputs, outputs);
    return flow;
  }

  @Override
  public void close() {
    closeAll(latentTensor, timeTensor, flowTensor);
  }

  private static void closeAll(OnnxTensor... tensors) {
    for (OnnxTensor tensor : tensors) {
      if (tensor != null) {
        tensor.close();
      }
    }
  }
}
