package io.foleystream.media;

/**
 * Converts 8-bit planar 4:2:0 YUV (I420) to packed RGB exactly as FFmpeg's swscale does with its
 * default settings on x86 ({@code sws_scale} from {@code yuv420p} or {@code yuvj420p} to {@code
 * rgb24}, as PyAV's {@code to_ndarray('rgb24')} calls it): the BT.601 matrix whatever the
 * stream's colorimetry, each chroma sample applied to its 2 x 2 block of luma samples (no
 * interpolation), and swscale's SIMD fixed-point arithmetic: every term is {@code (8 * (sample -
 * offset) * coefficient) >> 16} with 13-bit coefficients, the terms are added and the sum is
 * clamped to [0, 255].
 *
 * <p>The coefficients are swscale's: luma 9539 (limited range, offset 16) or 8192 (full range),
 * chroma 13075, -3209, -6660, 16525 (limited) or 11485, -2819, -5850, 14516 (full), i.e. its
 * 16.16 BT.601 table (104597, 132201, 25675, 53279) scaled as swscale scales it. Every term is
 * a function of one 8-bit sample, so each is a 256-entry table and a pixel is four lookups.
 * This is bit-exact with the x86 SIMD path of swscale 6 (FFmpeg 5.1) for every combination of
 * Y, U and V; swscale's plain C path (other CPUs) rounds through other tables and differs by at
 * most a few steps.
 *
 * <p>Two forms: {@link #convert} turns a whole frame into packed RGB bytes; {@link #lumaTerms},
 * {@link #chromaTerms} and {@link #clampInto} turn one row into float R, G and B arrays for the
 * resize ({@link I420Rows}), with the same terms and the same clamp, hence the same values.
 *
 * <p>Immutable and thread-safe.
 */
final class YuvToRgbConverter {

  private static final YuvToRgbConverter LIMITED = new YuvToRgbConverter(false);
  private static final YuvToRgbConverter FULL = new YuvToRgbConverter(true);

  private final int[] lumaTerm = new int[256];
  /** The tables as floats, for the row conversion (the terms are small whole numbers). */
  private final float[] lumaTermF = new float[256];
  private final float[] redFromVF = new float[256];
  private final float[] greenFromUF = new float[256];
  private final float[] greenFromVF = new float[256];
  private final float[] blueFromUF = new float[256];
  private final int[] redFromV = new int[256];
  private final int[] greenFromU = new int[256];
  private final int[] greenFromV = new int[256];
  private final int[] blueFromU = new int[256];
  /** {@code CLAMP[v + CLAMP_BIAS]} is {@code v} clamped to [0, 255], without a branch. */
  private static final byte[] CLAMP = new byte[1024];
  private static final int CLAMP_BIAS = 384;

  static {
    for (int i = 0; i < CLAMP.length; i++) {
      CLAMP[i] = (byte) Math.max(0, Math.min(255, i - CLAMP_BIAS));
    }
  }

  private YuvToRgbConverter(boolean fullRange) {
    int lumaCoeff = fullRange ? 8192 : 9539;
    int lumaOffset = fullRange ? 0 : 16;
    int vr = fullRange ? 11485 : 13075;
    int ug = fullRange ? -2819 : -3209;
    int vg = fullRange ? -5850 : -6660;
    int ub = fullRange ? 14516 : 16525;
    for (int s = 0; s < 256; s++) {
      lumaTerm[s] = (8 * (s - lumaOffset) * lumaCoeff) >> 16;
      lumaTermF[s] = lumaTerm[s];
      int c = 8 * (s - 128);
      redFromV[s] = (c * vr) >> 16;
      greenFromU[s] = (c * ug) >> 16;
      greenFromV[s] = (c * vg) >> 16;
      blueFromU[s] = (c * ub) >> 16;
      redFromVF[s] = redFromV[s];
      greenFromUF[s] = greenFromU[s];
      greenFromVF[s] = greenFromV[s];
      blueFromUF[s] = blueFromU[s];
    }
  }

  /**
   * The converter for a range.
   *
   * @param fullRange true for full-range (0-255, "JPEG") YUV, false for limited range (16-235)
   * @return the shared converter
   */
  static YuvToRgbConverter forRange(boolean fullRange) {
    return fullRange ? FULL : LIMITED;
  }

  /**
   * Converts one frame.
   *
   * @param yuv the frame's planes laid out as {@code layout} says
   * @param layout where the planes are
   * @param rgb destination, {@code rgbStride * height} bytes or more
   * @param rgbStride bytes from one RGB row to the next
   */
  void convert(byte[] yuv, I420Layout layout, byte[] rgb, int rgbStride) {
    int width = layout.width();
    int pairs = width >> 1;
    for (int row = 0; row < layout.height(); row++) {
      int yIn = row * layout.yStride();
      int cIn = (row >> 1) * layout.chromaStride();
      int uIn = layout.uOffset() + cIn;
      int vIn = layout.vOffset() + cIn;
      int out = row * rgbStride;
      for (int p = 0; p < pairs; p++) {
        int u = yuv[uIn + p] & 0xFF;
        int v = yuv[vIn + p] & 0xFF;
        int r = redFromV[v];
        int g = greenFromU[u] + greenFromV[v];
        int b = blueFromU[u];
        int y0 = lumaTerm[yuv[yIn] & 0xFF];
        int y1 = lumaTerm[yuv[yIn + 1] & 0xFF];
        rgb[out] = clamp(y0 + r);
        rgb[out + 1] = clamp(y0 + g);
        rgb[out + 2] = clamp(y0 + b);
        rgb[out + 3] = clamp(y1 + r);
        rgb[out + 4] = clamp(y1 + g);
        rgb[out + 5] = clamp(y1 + b);
        yIn += 2;
        out += 6;
      }
      if ((width & 1) != 0) {
        int u = yuv[uIn + pairs] & 0xFF;
        int v = yuv[vIn + pairs] & 0xFF;
        int y0 = lumaTerm[yuv[yIn] & 0xFF];
        rgb[out] = clamp(y0 + redFromV[v]);
        rgb[out + 1] = clamp(y0 + greenFromU[u] + greenFromV[v]);
        rgb[out + 2] = clamp(y0 + blueFromU[u]);
      }
    }
  }

  /**
   * The luma terms of {@code count} consecutive luma samples.
   *
   * @param yuv the frame's planes
   * @param offset where the first sample is
   * @param count how many samples
   * @param dest receives the terms from index 0
   */
  void lumaTerms(byte[] yuv, int offset, int count, float[] dest) {
    for (int i = 0; i < count; i++) {
      dest[i] = lumaTermF[yuv[offset + i] & 0xFF];
    }
  }

  /**
   * The chroma terms of pixel columns {@code [from, to)} of the luma rows that chroma row {@code
   * chromaRow} serves: each chroma sample's terms written for both pixels of its pair.
   *
   * @param yuv the frame's planes
   * @param layout where the planes are
   * @param chromaRow the chroma row (luma row / 2)
   * @param from first pixel column
   * @param to one past the last pixel column
   * @param red receives the red terms from index 0
   * @param green receives the green terms (from U and V)
   * @param blue receives the blue terms
   */
  void chromaTerms(byte[] yuv, I420Layout layout, int chromaRow, int from, int to, float[] red,
      float[] green, float[] blue) {
    int cIn = chromaRow * layout.chromaStride();
    int uIn = layout.uOffset() + cIn;
    int vIn = layout.vOffset() + cIn;
    int x = from;
    int i = 0;
    if ((x & 1) != 0) {
      chromaTerm(yuv, uIn, vIn, x >> 1, red, green, blue, i);
      x++;
      i++;
    }
    for (; x + 1 < to; x += 2, i += 2) {
      int u = yuv[uIn + (x >> 1)] & 0xFF;
      int v = yuv[vIn + (x >> 1)] & 0xFF;
      float r = redFromVF[v];
      float g = greenFromUF[u] + greenFromVF[v];
      float b = blueFromUF[u];
      red[i] = r;
      red[i + 1] = r;
      green[i] = g;
      green[i + 1] = g;
      blue[i] = b;
      blue[i + 1] = b;
    }
    if (x < to) {
      chromaTerm(yuv, uIn, vIn, x >> 1, red, green, blue, i);
    }
  }

  /** The chroma terms of chroma sample {@code p} of a row, for one pixel at {@code i}. */
  private void chromaTerm(byte[] yuv, int uIn, int vIn, int p, float[] red, float[] green,
      float[] blue, int i) {
    int u = yuv[uIn + p] & 0xFF;
    int v = yuv[vIn + p] & 0xFF;
    red[i] = redFromVF[v];
    green[i] = greenFromUF[u] + greenFromVF[v];
    blue[i] = blueFromUF[u];
  }

  /**
   * {@code dest[i] = clamp(luma[i] + chroma[i], 0, 255)} for {@code i < count}: one channel of a
   * row. The terms are whole numbers, so float arithmetic is exact here; in float, and with
   * every array indexed alike, the JIT turns the loop into vector instructions (it keeps
   * int-to-float conversions, table lookups and offset indices scalar).
   *
   * @param luma luma terms
   * @param chroma the channel's chroma terms
   * @param count how many pixels
   * @param dest receives the channel's 8-bit values as floats
   */
  static void clampInto(float[] luma, float[] chroma, int count, float[] dest) {
    for (int i = 0; i < count; i++) {
      dest[i] = Math.min(Math.max(luma[i] + chroma[i], 0f), 255f);
    }
  }

  /** Every luma term (-19 to 255) plus chroma terms (-258 to 258) falls inside the table. */
  private static byte clamp(int v) {
    return CLAMP[v + CLAMP_BIAS];
  }
}
