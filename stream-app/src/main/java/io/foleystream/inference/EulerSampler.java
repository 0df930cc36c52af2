package io.foleystream.inference;

import java.nio.FloatBuffer;

/**
 * The Euler loop of MMAudio's flow matching: from noise at t = 0 to data at t = 1 on the float32
 * grid of {@link TimeGrid}, x += (t[k+1] - t[k]) * v(x, t[k]) for k = 0 .. steps - 1, so the
 * network is never evaluated at t = 1. With guidance, each evaluation carries every window twice
 * (conditional rows first, then unconditional) and {@link ClassifierFreeGuidance} combines them.
 */
public final class EulerSampler {

  /** Told after each step, e.g. to draw a progress bar. */
  @FunctionalInterface
  public interface StepListener {
    /**
     * @param completed steps done so far
     * @param total all steps
     */
    void stepCompleted(int completed, int total);
  }

  private final int steps;
  private final float[] grid;

  /**
   * @param steps number of Euler steps (25 in MMAudio)
   * @throws IllegalArgumentException if steps &lt; 1
   */
  public EulerSampler(int steps) {
    this.steps = steps;
    this.grid = TimeGrid.of(steps);
  }

  /**
   * The number of steps.
   *
   * @return steps
   */
  public int steps() {
    return steps;
  }

  /**
   * Integrates a batch of windows in place.
   *
   * @param x the windows' latents, {@code windows * flow.rowSize()} floats: the noise on entry,
   *     the normalised latents at t = 1 on return
   * @param windows number of windows in x
   * @param guidance the guidance; decides whether the evaluator carries one or two rows per window
   * @param flow the network, with {@code windows * guidance.branches()} rows
   * @param listener told after every step
   * @throws IllegalArgumentException if the sizes do not fit together
   */
  public void sample(float[] x, int windows, ClassifierFreeGuidance guidance, FlowEvaluator flow,
      StepListener listener) {
    int rowSize = flow.rowSize();
    if (flow.rows() != windows * guidance.branches()) {
      throw new IllegalArgumentException("the flow evaluator takes " + flow.rows()
          + " rows; " + windows + " windows with guidance " + guidance.strength() + " need "
          + windows * guidance.branches());
    }
    if (x.length != windows * rowSize) {
      throw new IllegalArgumentException("latents hold " + x.length + " floats; " + windows
          + " windows of " + rowSize + " need " + windows * rowSize);
    }
    for (int k = 0; k < steps; k++) {
      FloatBuffer in = flow.latents();
      for (int branch = 0; branch < guidance.branches(); branch++) {
        in.put(branch * x.length, x);
      }
      FloatBuffer v = flow.evaluate(grid[k]);
      float dt = grid[k + 1] - grid[k];
      if (guidance.enabled()) {
        for (int i = 0; i < x.length; i++) {
          x[i] = x[i] + dt * guidance.combine(v.get(i), v.get(x.length + i));
        }
      } else {
        for (int i = 0; i < x.length; i++) {
          x[i] = x[i] + dt * v.get(i);
        }
      }
      listener.stepCompleted(k + 1, steps);
    }
  }
}
