package io.foleystream.inference;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * The Euler loop of MMAudio's flow matching: from noise at t = 0 to data at t = 1 on the float32
 * grid of {@link TimeGrid}, x += (t[k+1] - t[k]) * v(x, t[k]) for k = 0 .. steps - 1, so the
 * network is never evaluated at t = 1. With guidance, each evaluation carries every window twice
 * (conditional rows first, then unconditional) and {@link ClassifierFreeGuidance} combines them.
 *
 * <h2>Known prefixes</h2>
 * A window may come with known leading values x1_known (a {@link LatentPrefix}): before every
 * velocity call at grid time t its known values of x are replaced by
 * {@code (1 - t) * x0_known + t * x1_known} in float32, x0_known being the window's own starting
 * noise there (the point of the straight path from noise to data that MMAudio's flow, with
 * min_sigma = 0, is trained on), and after the last step they are set to x1_known exactly. The
 * other values follow the network, which sees the known part at the right noise level. The
 * replacement touches each window's own values only, so a window's result does not depend on
 * the batch.
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
    sample(x, windows, null, guidance, flow, listener);
  }

  /**
   * Integrates a batch of windows in place, holding each window's known leading values on the
   * path from its noise to them.
   *
   * @param x the windows' latents, {@code windows * flow.rowSize()} floats: the noise on entry,
   *     the normalised latents at t = 1 on return
   * @param windows number of windows in x
   * @param known per window, its known leading values x1_known (at most a row), or null for a
   *     window without; null for none at all
   * @param guidance the guidance; decides whether the evaluator carries one or two rows per window
   * @param flow the network, with {@code windows * guidance.branches()} rows
   * @param listener told after every step
   * @throws IllegalArgumentException if the sizes do not fit together
   */
  public void sample(float[] x, int windows, float[][] known, ClassifierFreeGuidance guidance,
      FlowEvaluator flow, StepListener listener) {
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
    float[][] noise = knownNoise(x, windows, rowSize, known);
    for (int k = 0; k < steps; k++) {
      if (noise != null) {
        replaceKnown(x, rowSize, known, noise, grid[k]);
      }
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
    if (noise != null) {
      for (int w = 0; w < windows; w++) {
        if (known[w] != null) {
          System.arraycopy(known[w], 0, x, w * rowSize, known[w].length);
        }
      }
    }
  }

  /** Each window's starting noise under its known values, or null when no window has any. */
  private static float[][] knownNoise(float[] x, int windows, int rowSize, float[][] known) {
    if (known == null) {
      return null;
    }
    if (known.length != windows) {
      throw new IllegalArgumentException(known.length + " known prefixes for " + windows
          + " windows");
    }
    float[][] noise = new float[windows][];
    for (int w = 0; w < windows; w++) {
      if (known[w] != null) {
        if (known[w].length > rowSize) {
          throw new IllegalArgumentException("window " + w + ": " + known[w].length
              + " known values exceed its " + rowSize);
        }
        noise[w] = Arrays.copyOfRange(x, w * rowSize, w * rowSize + known[w].length);
      }
    }
    return noise;
  }

  private static void replaceKnown(float[] x, int rowSize, float[][] known, float[][] noise,
      float t) {
    float s = 1f - t;
    for (int w = 0; w < known.length; w++) {
      if (known[w] == null) {
        continue;
      }
      int offset = w * rowSize;
      for (int i = 0; i < known[w].length; i++) {
        x[offset + i] = s * noise[w][i] + t * known[w][i];
      }
    }
  }
}
