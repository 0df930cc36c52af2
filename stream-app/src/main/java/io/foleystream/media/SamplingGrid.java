package io.foleystream.media;

/**
 * The times at which one model branch samples a window, for {@code i = 0 .. count - 1} with
 * {@code count = floor(durationUs * rateNum / (rateDen * 10^6))} (64 points at 8 fps and 200 at
 * 25 fps for 8 s).
 *
 * <p>Under {@link GridRule#EXACT} (the default) {@code g_i = startUs + ceil(i * 10^6 * rateDen /
 * rateNum)} microseconds: exact integers computed from the rational rate, never accumulated.
 * Rounding the exact time up is what makes the integer comparison {@code pts >= g_i} equal to
 * comparing with the exact rational time, because frame times are whole microseconds.
 *
 * <p>Under {@link GridRule#OFFICIAL} the official sampler's test {@code t >= next} is reproduced,
 * with {@code next} the float64 sum of {@code k} steps {@code rateDen / rateNum} from 0.0 and
 * {@code t} the frame's time since the window start in seconds as a double ({@code us / 1e6}):
 * {@code g_i} is the smallest whole microsecond whose double is at or above that sum, so the
 * integer test {@code pts >= g_i} equals the double test.
 *
 * @param startUs window start on the stream timeline, microseconds
 * @param durationUs window duration, microseconds; frames later than {@code startUs +
 *     durationUs} never serve the grid
 * @param rateNum sampling rate numerator (frames)
 * @param rateDen sampling rate denominator (seconds)
 * @param rule how grid times are computed
 */
public record SamplingGrid(long startUs, long durationUs, int rateNum, int rateDen,
    GridRule rule) {

  private static final long MICROS = 1_000_000L;

  /**
   * Validates the fields.
   *
   * @throws IllegalArgumentException if the duration or rate is not positive, the grid is empty
   *     or the rule is missing
   */
  public SamplingGrid {
    if (durationUs <= 0 || rateNum <= 0 || rateDen <= 0 || rule == null) {
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
   * An exact grid ({@link GridRule#EXACT}).
   *
   * @param startUs window start on the stream timeline, microseconds
   * @param durationUs window duration, microseconds
   * @param rateNum sampling rate numerator (frames)
   * @param rateDen sampling rate denominator (seconds)
   */
  public SamplingGrid(long startUs, long durationUs, int rateNum, int rateDen) {
    this(startUs, durationUs, rateNum, rateDen, GridRule.EXACT);
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
   * @return {@code startUs + ceil(i * 10^6 * rateDen / rateNum)} for the exact rule, the
   *     accumulator's time as described above for the official one
   */
  public long timeUs(int i) {
    if (i < 0 || i >= count()) {
      throw new IndexOutOfBoundsException("grid point " + i + " of " + count());
    }
    if (rule == GridRule.OFFICIAL) {
      return startUs + accumulatedUs(i);
    }
    long numerator = Math.multiplyExact(i * MICROS, (long) rateDen);
    return startUs + (numerator + rateNum - 1) / rateNum;
  }

  /**
   * The smallest whole microsecond {@code m} with {@code m / 1e6 >= next_i} in double
   * arithmetic, where {@code next_i} is {@code rateDen / rateNum} added {@code i} times to 0.0.
   */
  private long accumulatedUs(int i) {
    double step = (double) rateDen / rateNum;
    double next = 0.0;
    for (int k = 0; k < i; k++) {
      next += step;
    }
    long m = (long) Math.ceil(next * MICROS);
    while (m > 0 && (m - 1) / (double) MICROS >= next) {
      m--;
    }
    while (m / (double) MICROS < next) {
      m++;
    }
    return m;
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
