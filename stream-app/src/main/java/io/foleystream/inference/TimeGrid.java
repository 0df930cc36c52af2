package io.foleystream.inference;

/**
 * The Euler sampler's time grid: {@code torch.linspace(0, 1, steps + 1)} in float32.
 *
 * <p>Computed as torch's linspace kernel defines it: step = 1f / steps; the first half of the
 * points is {@code step * i}, the second half {@code 1 - step * (steps - i)}, all in float32. For
 * the default 25 steps this is bit-identical to torch. For some other step counts torch's
 * vectorised CPU kernel (whose rounding depends on the processor's vector width and on FMA
 * contraction) differs from this in the last bit of a few points; the grid stays symmetric,
 * starts at exactly 0 and ends at exactly 1.
 */
final class TimeGrid {

  private TimeGrid() {}

  /**
   * The grid for a number of Euler steps.
   *
   * @param steps number of steps, at least 1
   * @return steps + 1 times from 0 to 1
   */
  static float[] of(int steps) {
    if (steps < 1) {
      throw new IllegalArgumentException("steps must be at least 1: " + steps);
    }
    int points = steps + 1;
    float step = 1f / steps;
    int halfway = points / 2;
    float[] grid = new float[points];
    for (int i = 0; i < points; i++) {
      grid[i] = i < halfway ? step * i : 1f - step * (points - i - 1);
    }
    return grid;
  }
}
