package io.foleystream.media;

/**
 * Antialiased bicubic resampling weights along one image axis, precomputed once per geometry.
 *
 * <p>Output sample {@code i} of a resize from {@code inSize} to {@code outSize} samples reads the
 * input samples {@code first[i] .. first[i] + taps[i] - 1} with the weights {@code weights[i *
 * maxTaps + k]}. The kernel is the cubic convolution with a = -0.5 whose support is widened by
 * the downscale factor, normalised to sum 1 per output sample: the construction of PIL's and
 * torch's antialiased bicubic ({@code F.interpolate(mode='bicubic', antialias=True)}). Only the
 * outputs {@code [outFrom, outFrom + outCount)} are kept, so a centre crop after the resize costs
 * nothing for the cropped-away part.
 */
final class AxisWeights {

  private static final double CUBIC_A = -0.5;
  private static final double CUBIC_SUPPORT = 2.0;

  final int outCount;
  final int maxTaps;
  final int[] first;
  final int[] taps;
  final float[] weights;

  private AxisWeights(int outCount, int maxTaps, int[] first, int[] taps, float[] weights) {
    this.outCount = outCount;
    this.maxTaps = maxTaps;
    this.first = first;
    this.taps = taps;
    this.weights = weights;
  }

  /**
   * Computes the weights of outputs {@code [outFrom, outFrom + outCount)} of a resize from
   * {@code inSize} to {@code outSize} samples.
   */
  static AxisWeights bicubicAntialiased(int inSize, int outSize, int outFrom, int outCount) {
    if (inSize < 1 || outSize < 1 || outFrom < 0 || outCount < 1 || outFrom + outCount > outSize) {
      throw new IllegalArgumentException("bad resize geometry: " + inSize + " -> " + outSize
          + ", outputs [" + outFrom + ", " + (outFrom + outCount) + ")");
    }
    double scale = (double) inSize / outSize;
    double widen = Math.max(scale, 1.0);
    double support = CUBIC_SUPPORT * widen;
    int maxTaps = (int) Math.ceil(support) * 2 + 1;
    int[] first = new int[outCount];
    int[] taps = new int[outCount];
    float[] weights = new float[outCount * maxTaps];
    double[] raw = new double[maxTaps];
    for (int o = 0; o < outCount; o++) {
      double center = (outFrom + o + 0.5) * scale;
      int lo = Math.max((int) (center - support + 0.5), 0);
      int hi = Math.min((int) (center + support + 0.5), inSize);
      int n = hi - lo;
      double total = 0;
      for (int k = 0; k < n; k++) {
        raw[k] = cubic((lo + k - center + 0.5) / widen);
        total += raw[k];
      }
      first[o] = lo;
      taps[o] = n;
      for (int k = 0; k < n; k++) {
        weights[o * maxTaps + k] = (float) (total != 0 ? raw[k] / total : 0);
      }
    }
    return new AxisWeights(outCount, maxTaps, first, taps, weights);
  }

  /** First input sample any output reads. */
  int spanStart() {
    return first[0];
  }

  /** One past the last input sample any output reads. */
  int spanEnd() {
    int end = 0;
    for (int o = 0; o < outCount; o++) {
      end = Math.max(end, first[o] + taps[o]);
    }
    return end;
  }

  private static double cubic(double x) {
    double t = Math.abs(x);
    if (t < 1.0) {
      return ((CUBIC_A + 2.0) * t - (CUBIC_A + 3.0)) * t * t + 1.0;
    }
    if (t < 2.0) {
      return (((t - 5.0) * t + 8.0) * t - 4.0) * CUBIC_A;
    }
    return 0.0;
  }
}
