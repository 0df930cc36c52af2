package io.foleystream.media;

/**
 * The times at which one model branch samples a window: {@code g_i = startUs + ceil(i * 10^6 *
 * rateDen / rateNum)} microseconds for {@code i = 0 .. count - 1}, with {@code count =
 * floor(durationUs * rateNum / (rateDen * 10^6))} (64 points at 8 fps and 200 at 25 fps for 8 s).
 *
 * <p>Grid times are exact integers computed from the rational rate, never accumulated. Rounding
 * the exact time up is what makes the integer comparison {@code pts >= g_i} equal to comparing
 * with the exact rational time, because frame times are whole microseconds.
 *
 * @param startUs window start on the stream timeline, microseconds
 * @param durationUs window duration, microseconds; frames later than {@code startUs +
 *     durationUs} never serve the grid
 * @param rateNum sampling rate numerator (frames)
 * @param rateDen sampling rate denominator (seconds)
 */
public record SamplingGrid(long startUs, long durationUs, int rateNum, int rateDen) {

  private static final long MICROS = 1_000_000L;

  /**
   * Validates the fields.
   *
   * @throws IllegalArgumentException if the duration or rate is not positive or the grid is empty
   */
  public SamplingGrid {
    if (durationUs <= 0 || rateNum <= 0 || rateDen <= 0) {
      throw new IllegalArgumentException("bad sampling grid: " + durationUs + " us at "
          + rateNum + "/" + rateDen + " fps");
    }
    long points;
    try {
      points = Math.multiplyExact(durationUs, rateNum) / Math.multiplyExact(rateDen, MICROS);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("grid of " + durationUs + " us at " + rateNum + "/"
          + rateDen + " fps overflows", e);
    }
    if (points < 1 || points > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("a grid of " + durationUs + " us at " + rateNum + "/"
          + rateDen + " fps has " + points + " points");
    }
  }

  /**
   * The number of grid points.
   *
   * @return {@code floor(duration * rate)}
   */
  public int count() {
    return (int) (durationUs * rateNum / (rateDen * MICROS));
  }

  /**
   * The time of grid point {@code i}.
   *
   * @param i index, {@code 0 <= i < count()}
   * @return {@code startUs + ceil(i * 10^6 * rateDen / rateNum)}
   */
  public long timeUs(int i) {
    if (i < 0 || i >= count()) {
      throw new IndexOutOfBoundsException("grid point " + i + " of " + count());
    }
    long numerator = Math.multiplyExact(i * MICROS, (long) rateDen);
    return startUs + (numerator + rateNum - 1) / rateNum;
  }

  /**
   * The last time a frame may have and still serve this grid (frames exactly at the window end
   * are used, as the reference decoder does).
   *
   * @return {@code startUs + durationUs}
   */
  public long endUs() {
    return startUs + durationUs;
  }
}
