package io.foleystream.media;

import java.util.HashMap;
import java.util.Map;

/**
 * The resize as it was before it read frames row by row as float planes: packed 8-bit RGB read
 * straight from the frame, vertical pass then horizontal pass, in float. Kept as the reference
 * that {@link BicubicResizerBitExactTest} holds the production resize to, bit for bit: the model
 * input must not change when the resize gets faster.
 */
final class ByteFrameBicubicReference {

  private record Geometry(int inW, int inH, int outW, int outH, int cropX, int cropY, int cropW,
      int cropH) {}

  private record Tables(AxisWeights horizontal, AxisWeights vertical) {}

  private static final int MAX_CACHED_GEOMETRIES = 16;

  private final Map<Geometry, Tables> tables = new HashMap<>();
  private float[] row = new float[0];

  /**
   * Resizes {@code frame} to {@code outW x outH} and writes the crop window {@code [cropX, cropX +
   * cropW) x [cropY, cropY + cropH)} of the result as planar channels (R plane, G plane, B plane,
   * each {@code cropH x cropW}) starting at {@code dest[destOffset]}.
   *
   * @param lut 768 floats: the output value of 8-bit sample {@code v} of channel {@code c} is
   *     {@code lut[c * 256 + v]}
   */
  void resize(RgbFrame frame, int outW, int outH, int cropX, int cropY, int cropW, int cropH,
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
    int rowLen = (wx.spanEnd() - spanStart) * 3;
    if (row.length < rowLen) {
      row = new float[rowLen];
    }
    int plane = cropW * cropH;
    for (int y = 0; y < cropH; y++) {
      verticalPass(frame, wy, y, spanStart * 3, rowLen);
      horizontalPass(wx, spanStart, lut, dest, destOffset + y * cropW, plane);
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

  /** row[0 .. rowLen) = weighted sum of the source rows output row {@code y} reads. */
  private void verticalPass(RgbFrame frame, AxisWeights wy, int y, int byteStart, int rowLen) {
    byte[] src = frame.pixels();
    int stride = frame.stride();
    float[] acc = row;
    int n = wy.taps[y];
    int base = wy.first[y] * stride + byteStart;
    int wOff = y * wy.maxTaps;
    float[] w = wy.weights;
    int k = 0;
    if (n >= 2) {
      float w0 = w[wOff];
      float w1 = w[wOff + 1];
      int o0 = base;
      int o1 = base + stride;
      for (int x = 0; x < rowLen; x++) {
        acc[x] = w0 * (src[o0 + x] & 0xFF) + w1 * (src[o1 + x] & 0xFF);
      }
      k = 2;
    } else {
      float w0 = w[wOff];
      for (int x = 0; x < rowLen; x++) {
        acc[x] = w0 * (src[base + x] & 0xFF);
      }
      k = 1;
    }
    for (; k + 3 < n; k += 4) {
      float w0 = w[wOff + k];
      float w1 = w[wOff + k + 1];
      float w2 = w[wOff + k + 2];
      float w3 = w[wOff + k + 3];
      int o0 = base + k * stride;
      int o1 = o0 + stride;
      int o2 = o1 + stride;
      int o3 = o2 + stride;
      for (int x = 0; x < rowLen; x++) {
        acc[x] += w0 * (src[o0 + x] & 0xFF) + w1 * (src[o1 + x] & 0xFF)
            + w2 * (src[o2 + x] & 0xFF) + w3 * (src[o3 + x] & 0xFF);
      }
    }
    for (; k + 1 < n; k += 2) {
      float w0 = w[wOff + k];
      float w1 = w[wOff + k + 1];
      int o0 = base + k * stride;
      int o1 = o0 + stride;
      for (int x = 0; x < rowLen; x++) {
        acc[x] += w0 * (src[o0 + x] & 0xFF) + w1 * (src[o1 + x] & 0xFF);
      }
    }
    if (k < n) {
      float w0 = w[wOff + k];
      int o0 = base + k * stride;
      for (int x = 0; x < rowLen; x++) {
        acc[x] += w0 * (src[o0 + x] & 0xFF);
      }
    }
  }

  /** Resamples the reduced row horizontally, rounds to 8 bits, maps through the table. */
  private void horizontalPass(AxisWeights wx, int spanStart, float[] lut, float[] dest,
      int destRow, int plane) {
    float[] acc = row;
    float[] w = wx.weights;
    int maxTaps = wx.maxTaps;
    for (int x = 0; x < wx.outCount; x++) {
      int p = (wx.first[x] - spanStart) * 3;
      int n = wx.taps[x];
      int wOff = x * maxTaps;
      float r = 0;
      float g = 0;
      float b = 0;
      for (int k = 0; k < n; k++, p += 3) {
        float wk = w[wOff + k];
        r += wk * acc[p];
        g += wk * acc[p + 1];
        b += wk * acc[p + 2];
      }
      dest[destRow + x] = lut[toByte(r)];
      dest[destRow + plane + x] = lut[256 + toByte(g)];
      dest[destRow + 2 * plane + x] = lut[512 + toByte(b)];
    }
  }

  private static int toByte(float v) {
    int i = (int) (v + 0.5f);
    return v < 0 ? 0 : Math.min(i, 255);
  }
}
