package io.foleystream.inference;

/**
 * Compares two renderings of the same stream time: window A and a window B that starts
 * {@code shift} samples later, so that A's sample i and B's sample i - shift are the same instant.
 */
final class Renderings {

  private Renderings() {}

  /**
   * RMS of A - B over a stretch of A's timeline, relative to A's RMS there.
   *
   * @param a the earlier window's samples
   * @param b the later window's samples
   * @param shift samples between the windows' starts
   * @param from first sample, in A's timeline, at least shift
   * @param to end (exclusive), in A's timeline, at most a.length
   * @return RMS(a - b) / RMS(a) over [from, to)
   */
  static double relativeRms(float[] a, float[] b, int shift, int from, int to) {
    if (from < shift || to > a.length || to - shift > b.length || from >= to) {
      throw new IllegalArgumentException("[" + from + ", " + to + ") with shift " + shift
          + " is not inside both windows");
    }
    double difference = 0;
    double signal = 0;
    for (int i = from; i < to; i++) {
      double d = (double) a[i] - b[i - shift];
      difference += d * d;
      signal += (double) a[i] * a[i];
    }
    return Math.sqrt(difference / signal);
  }

  /**
   * The seam of a join: the relative difference over the crossfade that ends {@code margin}
   * samples before A's right edge, where live mode would hand over from A to B.
   *
   * @param a the earlier window's samples
   * @param b the later window's samples
   * @param shift samples between the windows' starts
   * @param margin samples kept back from A's right edge
   * @param crossfade samples of the crossfade
   * @return RMS(a - b) / RMS(a) over {@code [a.length - margin - crossfade, a.length - margin)}
   */
  static double seam(float[] a, float[] b, int shift, int margin, int crossfade) {
    return relativeRms(a, b, shift, a.length - margin - crossfade, a.length - margin);
  }
}
