package io.foleystream.media;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The antialiased bicubic resize shared by both model branches, written in Java because the
 * model contract needs torch's antialiased bicubic exactly and no GStreamer scaler implements it
 * (its multi-tap scalers do not widen the kernel when downscaling).
 *
 * <p>It resizes a frame to {@code outWidth x outHeight}, keeps only a crop window of the result,
 * rounds every resized sample to 8 bits (as the reference's uint8 pipeline does) and writes the
 * sample through a per-channel lookup table (the branch's scaling and normalisation) into a
 * planar float tensor.
 *
 * <p>The vertical pass runs first: output row {@code y} is the weighted sum of the source rows
 * it reads, computed over whole rows. Source rows are read from {@link FrameRows} as float
 * planes, only in the columns the crop needs, into a ring of as many rows as the kernel's
 * widest support; each source row is read once per resize although several output rows use it,
 * and the sums run over float arrays, which the JIT vectorises. The horizontal pass then works
 * on the one reduced row. The order of every float operation is fixed (the weights of a row are
 * added first two, then four, two and one at a time), so the result does not depend on how the
 * rows are produced. Weight tables are cached per geometry.
 *
 * <p>Not thread-safe: use one instance per thread.
 */
final class BicubicResizer {

  private record Geometry(int inW, int inH, int outW, int outH, int cropX, int cropY, int cropW,
      int cropH) {}

  private record Tables(AxisWeights horizontal, AxisWeights vertical) {}

  private static final int MAX_CACHED_GEOMETRIES = 16;

  private final Map<Geometry, Tables> tables = new HashMap<>();
  /** Source rows, {@code ring[slot][channel][column]}; a row's slot is its index % length. */
  private float[][][] ring = new float[0][][];
  /** The source row each ring slot holds, -1 for none. */
  private int[] ringRow = new int[0];
  /** The vertical pass's output: one reduced row, {@code row[channel][column]}. */
  private float[][] row = new float[3][0];

  /**
   * Resizes {@code frame} to {@code outW x outH} and writes the crop window {@code [cropX, cropX +
   * cropW) x [cropY, cropY + cropH)} of the result as planar channels (R plane, G plane, B plane,
   * each {@code cropH x cropW}) starting at {@code dest[destOffset]}.
   *
   * @param lut 768 floats: the output value of 8-bit sample {@code v} of channel {@code c} is
   *     {@code lut[c * 256 + v]}
   */
  void resize(FrameRows frame, int outW, int outH, int cropX, int cropY, int cropW, int cropH,
      float[] lut, float[] dest, int destOffset) {
    if (cropX < 0 || cropY < 0 || cropW < 1 || cropH < 1 || cropX + cropW > outW
        || cropY + cropH > outH) {
      throw new IllegalArgumentException("crop " + cropW + "x" + cropH + "+" + cropX + "+" + cropY
          + " outside " + outW + "x" + outH);
    }
    Tables t = tablesFor(new Geometry(frame.width(), frame.height(), outW, outH, cropX, cropY,
        cropW, cropH));
    AxisWeights wx = t.horizontal();
    AxisWeights wy = t.vertical();
    int spanStart = wx.spanStart();
    int spanEnd = wx.spanEnd();
    int span = spanEnd - spanStart;
    prepareRing(wy.maxTaps, span);
    int outPlane = cropW * cropH;
    for (int y = 0; y < cropH; y++) {
      loadRows(frame, wy.first[y], wy.taps[y], spanStart, spanEnd);
      for (int c = 0; c < 3; c++) {
        verticalPass(wy, y, c, span);
      }
      horizontalPass(wx, spanStart, lut, dest, destOffset + y * cropW, outPlane);
    }
  }

  private Tables tablesFor(Geometry g) {
    Tables t = tables.get(g);
    if (t == null) {
      if (tables.size() >= MAX_CACHED_GEOMETRIES) {
        tables.clear();
      }
      t = new Tables(AxisWeights.bicubicAntialiased(g.inW(), g.outW(), g.cropX(), g.cropW()),
          AxisWeights.bicubicAntialiased(g.inH(), g.outH(), g.cropY(), g.cropH()));
      tables.put(g, t);
    }
    return t;
  }

  /** Sizes the ring for this geometry and forgets the rows of the previous frame. */
  private void prepareRing(int rows, int span) {
    if (ring.length != rows || ring[0][0].length < span) {
      ring = new float[rows][3][span];
      ringRow = new int[rows];
    }
    Arrays.fill(ringRow, -1);
    if (row[0].length < span) {
      row = new float[3][span];
    }
  }

  /**
   * Makes source rows {@code [first, first + n)} present in the ring. A row's slot is its index
   * modulo the ring's length, and {@code n} never exceeds that length, so the rows one output
   * row needs never evict each other.
   */
  private void loadRows(FrameRows frame, int first, int n, int from, int to) {
    for (int r = first; r < first + n; r++) {
      int slot = r % ring.length;
      if (ringRow[slot] != r) {
        float[][] rgb = ring[slot];
        frame.read(r, from, to, rgb[0], rgb[1], rgb[2]);
        ringRow[slot] = r;
      }
    }
  }

  /** Channel {@code c} of source row {@code r}, which must be in the ring. */
  private float[] source(int r, int c) {
    return ring[r % ring.length][c];
  }

  /**
   * row[c][0 .. rowLen) = weighted sum of channel {@code c} of the source rows output row
   * {@code y} reads. Every array is indexed by the loop counter alone, which the JIT needs to
   * vectorise the loops.
   */
  private void verticalPass(AxisWeights wy, int y, int c, int rowLen) {
    float[] acc = row[c];
    int n = wy.taps[y];
    int first = wy.first[y];
    int wOff = y * wy.maxTaps;
    float[] w = wy.weights;
    int k;
    if (n >= 2) {
      float w0 = w[wOff];
      float w1 = w[wOff + 1];
      float[] s0 = source(first, c);
      float[] s1 = source(first + 1, c);
      for (int x = 0; x < rowLen; x++) {
        acc[x] = w0 * s0[x] + w1 * s1[x];
      }
      k = 2;
    } else {
      float w0 = w[wOff];
      float[] s0 = source(first, c);
      for (int x = 0; x < rowLen; x++) {
        acc[x] = w0 * s0[x];
      }
      k = 1;
    }
    for (; k + 3 < n; k += 4) {
      float w0 = w[wOff + k];
      float w1 = w[wOff + k + 1];
      float w2 = w[wOff + k + 2];
      float w3 = w[wOff + k + 3];
      float[] s0 = source(first + k, c);
      float[] s1 = source(first + k + 1, c);
      float[] s2 = source(first + k + 2, c);
      float[] s3 = source(first + k + 3, c);
      for (int x = 0; x < rowLen; x++) {
        acc[x] += w0 * s0[x] + w1 * s1[x] + w2 * s2[x] + w3 * s3[x];
      }
    }
    for (; k + 1 < n; k += 2) {
      float w0 = w[wOff + k];
      float w1 = w[wOff + k + 1];
      float[] s0 = source(first + k, c);
      float[] s1 = source(first + k + 1, c);
      for (int x = 0; x < rowLen; x++) {
        acc[x] += w0 * s0[x] + w1 * s1[x];
      }
    }
    if (k < n) {
      float w0 = w[wOff + k];
      float[] s0 = source(first + k, c);
      for (int x = 0; x < rowLen; x++) {
        acc[x] += w0 * s0[x];
      }
    }
  }

  /**
   * Resamples the reduced row horizontally, rounds to 8 bits, maps through the table. Outputs
   * are computed two at a time: each output's sum is a chain of dependent additions, and two
   * interleaved outputs (six chains) keep the floating-point unit busy where one would wait on
   * each addition; every sum still adds its terms in the same order.
   */
  private void horizontalPass(AxisWeights wx, int spanStart, float[] lut, float[] dest,
      int destRow, int outPlane) {
    float[] red = row[0];
    float[] green = row[1];
    float[] blue = row[2];
    float[] w = wx.weights;
    int maxTaps = wx.maxTaps;
    int x = 0;
    for (; x + 1 < wx.outCount; x += 2) {
      int p0 = wx.first[x] - spanStart;
      int p1 = wx.first[x + 1] - spanStart;
      int n0 = wx.taps[x];
      int n1 = wx.taps[x + 1];
      int w0 = x * maxTaps;
      int w1 = w0 + maxTaps;
      float r0 = 0;
      float g0 = 0;
      float b0 = 0;
      float r1 = 0;
      float g1 = 0;
      float b1 = 0;
      int both = Math.min(n0, n1);
      int k = 0;
      for (; k < both; k++) {
        float a = w[w0 + k];
        float c = w[w1 + k];
        r0 += a * red[p0 + k];
        g0 += a * green[p0 + k];
        b0 += a * blue[p0 + k];
        r1 += c * red[p1 + k];
        g1 += c * green[p1 + k];
        b1 += c * blue[p1 + k];
      }
      for (int j = k; j < n0; j++) {
        float a = w[w0 + j];
        r0 += a * red[p0 + j];
        g0 += a * green[p0 + j];
        b0 += a * blue[p0 + j];
      }
      for (int j = k; j < n1; j++) {
        float c = w[w1 + j];
        r1 += c * red[p1 + j];
        g1 += c * green[p1 + j];
        b1 += c * blue[p1 + j];
      }
      store(lut, dest, destRow + x, outPlane, r0, g0, b0);
      store(lut, dest, destRow + x + 1, outPlane, r1, g1, b1);
    }
    if (x < wx.outCount) {
      int p = wx.first[x] - spanStart;
      int wOff = x * maxTaps;
      float r = 0;
      float g = 0;
      float b = 0;
      for (int k = 0; k < wx.taps[x]; k++) {
        float a = w[wOff + k];
        r += a * red[p + k];
        g += a * green[p + k];
        b += a * blue[p + k];
      }
      store(lut, dest, destRow + x, outPlane, r, g, b);
    }
  }

  /** One output pixel: each channel rounded to 8 bits and mapped through its table. */
  private static void store(float[] lut, float[] dest, int at, int outPlane, float r, float g,
      float b) {
    dest[at] = lut[toByte(r)];
    dest[at + outPlane] = lut[256 + toByte(g)];
    dest[at + 2 * outPlane] = lut[512 + toByte(b)];
  }

  private static int toByte(float v) {
    int i = (int) (v + 0.5f);
    return v < 0 ? 0 : Math.min(i, 255);
  }
}
