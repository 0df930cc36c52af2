package io.foleystream.inference;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A flow "network" given by a formula, for sampler tests whose Euler iterates and ODE solutions
 * can be worked out by hand. It records the times it was evaluated at.
 */
class AnalyticFlow implements FlowEvaluator {

  /** The velocity of one element. */
  @FunctionalInterface
  interface Field {
    /**
     * @param row the network row (conditional rows first under guidance)
     * @param x the element's current value
     * @param t the flow time
     * @return the velocity
     */
    float velocity(int row, float x, float t);
  }

  private final int rows;
  private final int rowSize;
  private final Field field;
  private final FloatBuffer latents;
  private final FloatBuffer flow;
  final List<Float> evaluatedTimes = new ArrayList<>();

  AnalyticFlow(int rows, int rowSize, Field field) {
    this.rows = rows;
    this.rowSize = rowSize;
    this.field = field;
    this.latents = FloatBuffer.allocate(rows * rowSize);
    this.flow = FloatBuffer.allocate(rows * rowSize);
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
    evaluatedTimes.add(t);
    for (int i = 0; i < rows * rowSize; i++) {
      flow.put(i, field.velocity(i / rowSize, latents.get(i), t));
    }
    return flow;
  }
}
