package io.foleystream.media;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The model input may not change when the resize gets faster: the resize over float row planes,
 * fed from RGB or converted from I420 row by row, against {@link ByteFrameBicubicReference} (the
 * resize as it was, over a whole frame of packed RGB bytes), bit for bit, on random frames of odd
 * and even sizes, downscaled, upscaled and cropped, and through both branches' preprocessors.
 */
class BicubicResizerBitExactTest {

  /** in width, in height, out width, out height, crop x, crop y, crop width, crop height. */
  private static final int[][] GEOMETRIES = {
      {97, 61, 24, 24, 0, 0, 24, 24},
      {61, 97, 30, 47, 3, 11, 24, 24},
      {33, 19, 70, 40, 0, 0, 70, 40},
      {40, 30, 17, 50, 2, 5, 13, 30},
      {250, 140, 73, 41, 10, 0, 41, 41},
      {7, 5, 3, 2, 0, 0, 3, 2}};

  private final Random random = new Random(20261205);

  @Test
  void resizingFloatRowsEqualsTheByteFrameResize() {
    float[] lut = randomLut();
    BicubicResizer resizer = new BicubicResizer();
    ByteFrameBicubicReference reference = new ByteFrameBicubicReference();
    for (int[] g : GEOMETRIES) {
      for (boolean fullRange : new boolean[] {false, true}) {
        I420Frame yuv = randomI420(g[0], g[1], fullRange);
        RgbFrame rgb = yuv.toRgb(new byte[rgbStride(g[0]) * g[1]], rgbStride(g[0]));
        float[] expected = new float[3 * g[6] * g[7] + 5];
        reference.resize(rgb, g[2], g[3], g[4], g[5], g[6], g[7], lut, expected, 5);
        float[] fromRgb = new float[expected.length];
        resizer.resize(new RgbRows(rgb), g[2], g[3], g[4], g[5], g[6], g[7], lut, fromRgb, 5);
        assertBitsEqual(expected, fromRgb, describe(g) + " from RGB");
        float[] fromI420 = new float[expected.length];
        resizer.resize(new I420Rows().of(yuv), g[2], g[3], g[4], g[5], g[6], g[7], lut,
            fromI420, 5);
        assertBitsEqual(expected, fromI420, describe(g) + " from I420, full range " + fullRange);
      }
    }
  }

  /**
   * Both preprocessors on one shared {@link I420Rows}, frame after frame of sizes that change, as
   * the window extractor uses them, against the reference on each frame's RGB.
   */
  @Test
  void bothBranchesMatchTheReferenceFrameAfterFrame() {
    FramePreprocessor[] branches = {FramePreprocessor.clip(), FramePreprocessor.synchformer()};
    I420Rows rows = new I420Rows();
    int[][] sizes = {{640, 360}, {640, 360}, {360, 640}, {401, 227}, {640, 360}};
    for (int[] size : sizes) {
      I420Frame yuv = randomI420(size[0], size[1], false);
      RgbFrame rgb = yuv.toRgb(new byte[rgbStride(size[0]) * size[1]], rgbStride(size[0]));
      rows.of(yuv);
      for (FramePreprocessor branch : branches) {
        float[] actual = new float[branch.floatsPerFrame()];
        branch.preprocess(rows, actual, 0);
        assertBitsEqual(referencePreprocess(branch, rgb), actual,
            "size " + size[0] + "x" + size[1] + ", " + branch.size());
      }
    }
  }

  /** The reference resize with the branch's geometry (its documented rule) and table. */
  private static float[] referencePreprocess(FramePreprocessor branch, RgbFrame frame) {
    int size = branch.size();
    int w = frame.width();
    int h = frame.height();
    int outW = size;
    int outH = size;
    if (size == FramePreprocessor.SYNC_SIZE) {
      outW = w <= h ? size : (int) ((long) size * w / h);
      outH = w <= h ? (int) ((long) size * h / w) : size;
    }
    float[] lut = new float[768];
    for (int c = 0; c < 3; c++) {
      for (int v = 0; v < 256; v++) {
        lut[c * 256 + v] = branch.lut(c, v);
      }
    }
    float[] out = new float[branch.floatsPerFrame()];
    new ByteFrameBicubicReference().resize(frame, outW, outH,
        (int) Math.rint((outW - size) / 2.0), (int) Math.rint((outH - size) / 2.0), size, size,
        lut, out, 0);
    return out;
  }

  private I420Frame randomI420(int width, int height, boolean fullRange) {
    I420Layout layout = I420Layout.of(width, height);
    byte[] data = new byte[layout.size()];
    random.nextBytes(data);
    // Smooth patches beside the noise, so rounded sums land on .5 boundaries too.
    for (int i = 0; i < layout.uOffset(); i += 7) {
      data[i] = (byte) (i / 97);
    }
    return new I420Frame(0, layout, data, fullRange);
  }

  private float[] randomLut() {
    float[] lut = new float[768];
    for (int i = 0; i < lut.length; i++) {
      lut[i] = random.nextFloat() * 4 - 2;
    }
    return lut;
  }

  private static int rgbStride(int width) {
    return (width * 3 + 3) & ~3;
  }

  private static String describe(int[] g) {
    return g[0] + "x" + g[1] + " -> " + g[2] + "x" + g[3] + " crop " + g[6] + "x" + g[7] + "+"
        + g[4] + "+" + g[5];
  }

  private static void assertBitsEqual(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
        assertEquals(expected[i], actual[i], what + ": element " + i + " differs");
      }
    }
  }
}
