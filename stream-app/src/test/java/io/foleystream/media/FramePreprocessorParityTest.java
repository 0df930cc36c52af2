package io.foleystream.media;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.npy.NpyArray;
import io.foleystream.testdata.ReferencePython;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java resize against torch's {@code F.interpolate(mode='bicubic', antialias=True)} on
 * real-looking frames of the sizes video comes in, both branches, within a mean absolute error of
 * 0.5/255 and a largest error of 4/255 on the 8-bit resized samples.
 */
class FramePreprocessorParityTest {

  private static final Path PYTHON = ReferencePython.PYTHON;
  private static final int[][] SIZES = {{1920, 1080}, {1280, 720}, {640, 360}, {1080, 1920}};

  @TempDir Path dir;

  @Test
  void matchesTorchAntialiasedBicubicWithinTolerance() throws Exception {
    requireTorch();
    Map<String, float[][]> ours = new LinkedHashMap<>();
    FramePreprocessor clip = FramePreprocessor.clip().withRawOutput();
    FramePreprocessor sync = FramePreprocessor.synchformer().withRawOutput();
    for (int[] size : SIZES) {
      RgbFrame frame = TestFrames.busyFrame(dir, size[0], size[1]);
      String name = size[0] + "x" + size[1];
      toNpy(frame).write(dir.resolve(name + ".npy"));
      float[] c = new float[clip.floatsPerFrame()];
      float[] s = new float[sync.floatsPerFrame()];
      clip.preprocess(frame, c, 0);
      sync.preprocess(frame, s, 0);
      ours.put(name, new float[][] {c, s});
    }
    Path script = dir.resolve("torch_resize_reference.py");
    try (InputStream in = getClass().getResourceAsStream("torch_resize_reference.py")) {
      Files.copy(in, script);
    }
    TestFrames.run(PYTHON.toString(), script.toString(), dir.toString());
    for (Map.Entry<String, float[][]> e : ours.entrySet()) {
      String name = e.getKey();
      assertClose(name + " CLIP 384x384", e.getValue()[0],
          NpyArray.read(dir.resolve(name + ".clip.npy")).toFloatArray());
      assertClose(name + " Synchformer 224x224", e.getValue()[1],
          NpyArray.read(dir.resolve(name + ".sync.npy")).toFloatArray());
    }
  }

  private static void requireTorch() throws Exception {
    ReferencePython.require("torch", "the torch reference is missing: Debian's /usr/bin/python3"
        + " with python3-torch is required (the launcher installs it)");
  }

  private static void assertClose(String what, float[] actual, float[] reference) {
    assertTrue(actual.length == reference.length, what + ": sizes differ");
    double sum = 0;
    double max = 0;
    for (int i = 0; i < actual.length; i++) {
      double d = Math.abs(actual[i] - reference[i]);
      sum += d;
      max = Math.max(max, d);
    }
    double mae = sum / actual.length;
    System.out.printf("%s: mean abs error %.5f/255, max %.0f/255%n", what, mae, max);
    assertTrue(mae < 0.5, what + ": mean absolute error " + mae + "/255");
    assertTrue(max < 4, what + ": largest error " + max + "/255");
  }

  /** The frame as [H, W, 3] float32 holding the 8-bit values. */
  private static NpyArray toNpy(RgbFrame frame) {
    int w = frame.width();
    int h = frame.height();
    float[] values = new float[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < 3 * w; x++) {
        values[y * 3 * w + x] = frame.pixels()[y * frame.stride() + x] & 0xFF;
      }
    }
    return NpyArray.ofFloats(new long[] {h, w, 3}, values);
  }
}
