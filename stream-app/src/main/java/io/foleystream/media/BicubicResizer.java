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
  /** Source rows as float planes (R, G, B, each {@code plane} long); slot = row % length. */
  private float[][] ring = new float[0][];
  /** The source row each ring slot holds, -1 for none. */
  private int[] ringRow = new int[0];
  /** The vertical pass's output: one reduced row, as planes like the ring's. */
  private float[] row = new float[0];

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
    int plane = spanEnd - spanStart;
    prepareRing(wy.maxTaps, 3 * plane);
    int outPlane = cropW * cropH;
    for (int y = 0; y < cropH; y++) {
      loadRows(frame, wy.first[y], wy.taps[y], spanStart, spanEnd, plane);
      verticalPass(wy, y, 3 * plane);
      horizontalPass(wx, spanStart, plane, lut, dest, destOffset + y * cropW, outPlane);
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
  private void prepareRing(int rows, int rowLen) {
    if (ring.length != rows || ring[0].length < rowLen) {
      ring = new float[rows][rowLen];
      ringRow = new int[rows];
    }
    Arrays.fill(ringRow, -1);
    if (row.length < rowLen) {
      row = new float[rowLen];
    }
  }

  /**
   * Makes source rows {@code [first, first + n)} present in the ring. A row's slot is its index
   * modulo the ring's length, and {@code n} never exceeds that length, so the rows one output
   * row needs never evict each other.
   */
  private void loadRows(FrameRows frame, int first, int n, int from, int to, int plane) {
    for (int r = first; r < first + n; r++) {
      int slot = r % ring.length;
      if (ringRow[slot] != r) {
        frame.read(r, from, to, ring[slot], plane);
        ringRow[slot] = r;
      }
    }
  }

  private float[] source(int r) {
    return ring[r % ring.length];
  }

  /** row[0 .. rowLen) = weighted sum of the source rows output row {@code y} reads. */
  private void verticalPass(AxisWeights wy, int y, int rowLen) {
    float[] acc = row;
    int n = wy.taps[y];
    int first = wy.first[y];
    int wOff = y * wy.maxTaps;
    float[] w = wy.weights;
    int k;
    if (n >= 2) {
      float w0 = w[wOff];
      float w1 = w[wOff + 1];
      float[] s0 = source(first);
      float[] s1 = source(first + 1);
      for (int x = 0; x < rowLen; x++) {
        acc[x] = w0 * s0[x] + w1 * s1[x];
      }
      k = 2;
    } else {
      float w0 = w[wOff];
      float[] s0 = source(first);
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
      float[] s0 = source(first + k);
      float[] s1 = source(first + k + 1);
      float[] s2 = source(first + k + 2);
      float[] s3 = source(first + k + 3);
      for (int x = 0; x < rowLen; x++) {
        acc[x] += w0 * s0[x] + w1 * s1[x] + w2 * s2[x] + w3 * s3[x];
      }
    }
    for (; k + 1 < n; k += 2) {
      float w0 = w[wOff + k];
      float w1 = w[wOff + k + 1];
      float[] s0 = source(first + k);
      float[] s1 = source(first + k + 1);
      for (int x = 0; x < rowLen; x++) {
        acc[x] += w0 * s0[x] + w1 * s1[x];
      }
    }
    if (k < n) {
      float w0 = w[wOff + k];
      float[] s0 = source(first + k);
      for (int x = 0; x < rowLen; x++) {
        acc[x] += w0 * s0[x];
      }
    }
  }

  /** Resamples the reduced row horizontally, rounds to 8 bits, maps through the table. */
  private void horizontalPass(AxisWeights wx, int spanStart, int plane, float[] lut,
      float[] dest, int destRow, int outPlane) {
    float[] acc = row;
    float[] w = wx.weights;
    int maxTaps = wx.maxTaps;
    for (int x = 0; x < wx.outCount; x++) {
      int p = wx.first[x] - spanStart;
      int n = wx.taps[x];
      int wOff = x * maxTaps;
      float r = 0;
      float g = 0;
      float b = 0;
      for (int k = 0; k < n; k++, p++) {
        float wk = w[wOff + k];
        r += wk * acc[p];
        g += wk * acc[plane + p];
        b += wk * acc[2 * plane + p];
      }
      dest[destRow + x] = lut[toByte(r)];
      dest[destRow + outPlane + x] = lut[256 + toByte(g)];
      dest[destRow + 2 * outPlane + x] = lut[512 + toByte(b)];
    }
  }

  private static int toByte(float v) {
    int i = (int) (v + 0.5f);
    return v < 0 ? 0 : Math.min(i, 255);
  }
}
