package io.foleystream.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
}
