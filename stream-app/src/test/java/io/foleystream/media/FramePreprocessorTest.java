package io.foleystream.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FramePreprocessorTest {

  private static RgbFrame solid(int width, int height, int r, int g, int b) {
    int stride = (width * 3 + 3) & ~3;
    byte[] pixels = new byte[stride * height];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        pixels[y * stride + 3 * x] = (byte) r;
        pixels[y * stride + 3 * x + 1] = (byte) g;
        pixels[y * stride + 3 * x + 2] = (byte) b;
      }
    }
    return new RgbFrame(0, width, height, stride, pixels);
  }

  @Test
  void clipNormalisesWithTheClipMeanAndStd() {
    FramePreprocessor clip = FramePreprocessor.clip();
    float[] out = new float[clip.floatsPerFrame()];
    clip.preprocess(solid(640, 360, 255, 0, 128), out, 0);
    int plane = 384 * 384;
    assertEquals((1f - 0.48145466f) / 0.26862954f, out[0], 1e-6f);
    assertEquals((0f - 0.4578275f) / 0.26130258f, out[plane + 1000], 1e-6f);
    assertEquals((128f / 255f - 0.40821073f) / 0.27577711f, out[2 * plane + plane - 1], 1e-6f);
  }

  @Test
  void synchformerScalesToMinusOneToOne() {
    FramePreprocessor sync = FramePreprocessor.synchformer();
    float[] out = new float[2 * sync.floatsPerFrame()];
    sync.preprocess(solid(1280, 720, 0, 255, 51), out, sync.floatsPerFrame());
    int plane = 224 * 224;
    int base = sync.floatsPerFrame();
    assertEquals(-1f, out[base], 0f);
    assertEquals(1f, out[base + plane + 77], 0f);
    assertEquals(51f / 255f * 2 - 1, out[base + 2 * plane + 5], 1e-6f);
    assertEquals(0f, out[0], 0f, "the first frame slot is untouched");
  }

  @Test
  void synchformerCropsTheCentreOfTheShortSideResize() {
    int width = 640;
    int height = 360;
    int stride = width * 3;
    byte[] pixels = new byte[stride * height];
    for (int y = 0; y < height; y++) {
      for (int x = width / 2; x < width; x++) {
        pixels[y * stride + 3 * x] = (byte) 255;
      }
    }
    FramePreprocessor sync = FramePreprocessor.synchformer().withRawOutput();
    float[] out = new float[sync.floatsPerFrame()];
    sync.preprocess(new RgbFrame(0, width, height, stride, pixels), out, 0);
    int row = 100 * 224;
    assertEquals(0f, out[row + 100], "left of the centre: black");
    assertEquals(255f, out[row + 124], "right of the centre: white");
    assertEquals(0f, out[row + 0], "the left edge of the crop is inside the black half");
  }

  @Test
  void centreCropOffsetsRoundHalfToEvenLikePython() {
    int width = 225;
    int height = 224;
    int stride = (width * 3 + 3) & ~3;
    byte[] pixels = new byte[stride * height];
    for (int y = 0; y < height; y++) {
      pixels[y * stride] = (byte) 255;
    }
    FramePreprocessor sync = FramePreprocessor.synchformer().withRawOutput();
    float[] out = new float[sync.floatsPerFrame()];
    sync.preprocess(new RgbFrame(0, width, height, stride, pixels), out, 0);
    assertEquals(255f, out[50 * 224], "round(0.5) == 0: the crop keeps column 0");
  }

  @Test
  void portraitFramesResizeTheirWidthTo224() {
    FramePreprocessor sync = FramePreprocessor.synchformer().withRawOutput();
    float[] out = new float[sync.floatsPerFrame()];
    sync.preprocess(solid(360, 640, 10, 20, 30), out, 0);
    assertEquals(10f, out[0]);
    assertEquals(30f, out[2 * 224 * 224 + 224 * 224 - 1]);
  }

  @Test
  void refusesADestinationThatIsTooSmall() {
    FramePreprocessor clip = FramePreprocessor.clip();
    RgbFrame frame = solid(64, 64, 0, 0, 0);
    assertThrows(IllegalArgumentException.class,
        () -> clip.preprocess(frame, new float[clip.floatsPerFrame()], 1));
  }

  /**
   * torch's antialiased bicubic weights (a = -0.5, support widened by the scale when
   * downscaling, normalised to sum 1), written out here independently of {@link AxisWeights}:
   * row {@code o} holds the weight of every input index.
   */
  private static double[][] referenceWeights(int in, int out) {
    double scale = (double) in / out;
    double widen = Math.max(scale, 1.0);
    double support = 2.0 * widen;
    double[][] weights = new double[out][in];
    for (int o = 0; o < out; o++) {
      double center = scale * (o + 0.5);
      int lo = Math.max((int) (center - support + 0.5), 0);
      int hi = Math.min((int) (center + support + 0.5), in);
      double total = 0;
      for (int i = lo; i < hi; i++) {
        double x = Math.abs((i - center + 0.5) / widen);
        double w = x < 1 ? (1.5 * x - 2.5) * x * x + 1
            : x < 2 ? ((-0.5 * x + 2.5) * x - 4) * x + 2 : 0;
        weights[o][i] = w;
        total += w;
      }
      for (int i = lo; i < hi; i++) {
        weights[o][i] /= total;
      }
    }
    return weights;
  }

  /** A frame whose every sample differs from its neighbours in both directions. */
  private static RgbFrame busy(int width, int height) {
    int stride = (width * 3 + 3) & ~3;
    byte[] pixels = new byte[stride * height];
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        for (int c = 0; c < 3; c++) {
          pixels[y * stride + 3 * x + c] = (byte) ((x * 37 + y * 11 + c * 80 + x * y) % 256);
        }
      }
    }
    return new RgbFrame(0, width, height, stride, pixels);
  }

  /**
   * Resizes a busy frame to {@code outW x outH} with the reference weights and returns the crop
   * of channel {@code c} rounded to 8 bits, row-major.
   */
  private static int[] referenceResize(RgbFrame frame, int outW, int outH, int cropX, int cropY,
      int size, int c) {
    double[][] wx = referenceWeights(frame.width(), outW);
    double[][] wy = referenceWeights(frame.height(), outH);
    int[] out = new int[size * size];
    for (int y = 0; y < size; y++) {
      double[] rowWeights = wy[cropY + y];
      for (int x = 0; x < size; x++) {
        double[] colWeights = wx[cropX + x];
        double v = 0;
        for (int iy = 0; iy < frame.height(); iy++) {
          if (rowWeights[iy] == 0) {
            continue;
          }
          double across = 0;
          for (int ix = 0; ix < frame.width(); ix++) {
            if (colWeights[ix] != 0) {
              across += colWeights[ix]
                  * (frame.pixels()[iy * frame.stride() + 3 * ix + c] & 0xFF);
            }
          }
          v += rowWeights[iy] * across;
        }
        out[y * size + x] = (int) Math.max(0, Math.min(255, Math.floor(v + 0.5)));
      }
    }
    return out;
  }

  private static void assertMatchesReference(String what, FramePreprocessor raw, RgbFrame frame,
      int outW, int outH, int cropX, int cropY) {
    int size = raw.size();
    float[] out = new float[raw.floatsPerFrame()];
    raw.preprocess(frame, out, 0);
    for (int c = 0; c < 3; c++) {
      int[] expected = referenceResize(frame, outW, outH, cropX, cropY, size, c);
      int offBy = 0;
      for (int i = 0; i < expected.length; i++) {
        float actual = out[c * size * size + i];
        assertEquals(expected[i], actual, 1f, what + " channel " + c + " sample " + i);
        if (actual != expected[i]) {
          offBy++;
        }
      }
      // Float against double accumulation may tip a sample sitting on .5; nothing more.
      assertTrue(offBy < expected.length / 100, what + ": " + offBy + " samples off by one");
    }
  }

  @Test
  void clipDownscalingMatchesTheAntialiasedBicubicWeightsOnABusyFrame() {
    assertMatchesReference("CLIP 1000x500 to 384x384", FramePreprocessor.clip().withRawOutput(),
        busy(1000, 500), 384, 384, 0, 0);
  }

  @Test
  void clipUpscalingUsesTheUnwidenedKernel() {
    assertMatchesReference("CLIP 200x150 to 384x384", FramePreprocessor.clip().withRawOutput(),
        busy(200, 150), 384, 384, 0, 0);
  }

  @Test
  void synchformerResizesTheShortSideAndCropsTheCentreOfABusyFrame() {
    // 500x300: the short side becomes 224, the long one floor(224 * 500 / 300) = 373, and the
    // crop starts at round((373 - 224) / 2) = round(74.5) = 74 (half to even).
    assertMatchesReference("Synchformer 500x300", FramePreprocessor.synchformer().withRawOutput(),
        busy(500, 300), 373, 224, 74, 0);
  }

  @Test
  void theTablesMapEightBitSamplesAsTheReferenceDoes() {
    FramePreprocessor clip = FramePreprocessor.clip();
    FramePreprocessor sync = FramePreprocessor.synchformer();
    for (int c = 0; c < 3; c++) {
      for (int v : new int[] {0, 1, 127, 128, 254, 255}) {
        assertEquals(((float) v / 255f - FramePreprocessor.CLIP_MEAN[c])
            / FramePreprocessor.CLIP_STD[c], clip.lut(c, v), 0f, "CLIP " + c + "/" + v);
        assertEquals(((float) v / 255f - 0.5f) / 0.5f, sync.lut(c, v), 0f, "sync " + c + "/" + v);
      }
    }
    assertEquals(384, clip.size());
    assertEquals(3 * 224 * 224, sync.floatsPerFrame());
  }

  @Test
  void refusesANegativeOffset() {
    FramePreprocessor sync = FramePreprocessor.synchformer();
    assertThrows(IllegalArgumentException.class, () -> sync.preprocess(solid(64, 64, 0, 0, 0),
        new float[2 * sync.floatsPerFrame()], -1));
  }

  @Test
  void warmingUpLeavesTheOutputBitForBit() {
    I420Layout layout = I420Layout.of(320, 180);
    byte[] data = new byte[layout.size()];
    new java.util.Random(5).nextBytes(data);
    I420Frame frame = new I420Frame(0, layout, data, false);
    for (FramePreprocessor branch : new FramePreprocessor[] {FramePreprocessor.clip(),
        FramePreprocessor.synchformer()}) {
      float[] before = new float[branch.floatsPerFrame()];
      branch.preprocess(new I420Rows().of(frame), before, 0);
      PreprocessingWarmUp.run(8);
      float[] after = new float[branch.floatsPerFrame()];
      branch.preprocess(new I420Rows().of(frame), after, 0);
      org.junit.jupiter.api.Assertions.assertArrayEquals(before, after);
    }
  }
}
