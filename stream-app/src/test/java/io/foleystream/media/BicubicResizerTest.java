package io.foleystream.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The resize's geometry checks, its weight tables where their values are known in closed form,
 * and a source of a single row.
 */
class BicubicResizerTest {

  /** The identity table: 8-bit sample v of every channel maps to v. */
  private static float[] identityLut() {
    float[] lut = new float[768];
    for (int i = 0; i < lut.length; i++) {
      lut[i] = i % 256;
    }
    return lut;
  }

  @Test
  void weightGeometryMustFitTheOutput() {
    assertDoesNotThrow(() -> AxisWeights.bicubicAntialiased(1, 1, 0, 1));
    assertDoesNotThrow(() -> AxisWeights.bicubicAntialiased(4, 4, 1, 3));
    int[][] refused = {{0, 1, 0, 1}, {1, 0, 0, 1}, {4, 4, -1, 1}, {4, 4, 0, 0}, {4, 4, 2, 3}};
    for (int[] g : refused) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> AxisWeights.bicubicAntialiased(g[0], g[1], g[2], g[3]),
          java.util.Arrays.toString(g));
      assertTrue(e.getMessage().contains("outputs [" + g[2] + ", " + (g[2] + g[3]) + ")"),
          e.getMessage());
    }
  }

  @Test
  void halvingWeighsEightInputsWithTheWidenedCubicKernel() {
    // Output 3 of 16 -> 8 is centred on input 7: taps at distances +-0.5, +-1.5, +-2.5, +-3.5,
    // the kernel at a quarter of them, cubic(0.25) = 0.8671875, cubic(0.75) = 0.2265625,
    // cubic(1.25) = -0.0703125, cubic(1.75) = -0.0234375, summing to 2 over the eight.
    AxisWeights w = AxisWeights.bicubicAntialiased(16, 8, 2, 3);
    assertEquals(3, w.outCount);
    assertEquals(3, w.first[1], "output 3 reads inputs 3 .. 10");
    assertEquals(8, w.taps[1]);
    float[] expected = {-0.01171875f, -0.03515625f, 0.11328125f, 0.43359375f, 0.43359375f,
        0.11328125f, -0.03515625f, -0.01171875f};
    float[] actual = java.util.Arrays.copyOfRange(w.weights, w.maxTaps, w.maxTaps + 8);
    assertArrayEquals(expected, actual, 1e-7f);
    assertEquals(1, w.spanStart(), "output 2 reads from input 1");
    assertEquals(13, w.spanEnd(), "output 4 reads up to input 12");
    for (int o = 0; o < w.outCount; o++) {
      double sum = 0;
      for (int k = 0; k < w.taps[o]; k++) {
        sum += w.weights[o * w.maxTaps + k];
      }
      assertEquals(1.0, sum, 1e-6, "output " + o + " is normalised");
    }
  }

  @Test
  void aSameSizeResizeCopiesEachSample() {
    AxisWeights w = AxisWeights.bicubicAntialiased(5, 5, 0, 5);
    for (int o = 0; o < 5; o++) {
      for (int k = 0; k < w.taps[o]; k++) {
        assertEquals(w.first[o] + k == o ? 1f : 0f, w.weights[o * w.maxTaps + k], 1e-7f,
            "output " + o + ", input " + (w.first[o] + k));
      }
    }
  }

  @Test
  void aCropMustLieInsideTheResizedFrame() {
    BicubicResizer resizer = new BicubicResizer();
    RgbRows frame = new RgbRows(new RgbFrame(0, 4, 4, 12, new byte[48]));
    float[] dest = new float[3 * 16];
    assertDoesNotThrow(() -> resizer.resize(frame, 4, 4, 1, 2, 3, 2, identityLut(), dest, 0));
    assertDoesNotThrow(() -> resizer.resize(frame, 4, 4, 0, 0, 1, 1, identityLut(), dest, 0));
    int[][] refused = {{-1, 0, 1, 1}, {0, -1, 1, 1}, {0, 0, 0, 1}, {0, 0, 1, 0}, {2, 0, 3, 1},
        {0, 3, 1, 2}};
    for (int[] c : refused) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> resizer.resize(frame, 4, 4, c[0], c[1], c[2], c[3], identityLut(), dest, 0),
          java.util.Arrays.toString(c));
      assertEquals("crop " + c[2] + "x" + c[3] + "+" + c[0] + "+" + c[1] + " outside 4x4",
          e.getMessage(), "the crop is named before any table is built");
    }
  }

  @Test
  void aSingleRowSourceIsRepeatedDownTheOutput() {
    byte[] pixels = {10, 20, 30, 40, 50, 60, 70, 80, 90, (byte) 200, (byte) 210, (byte) 220};
    RgbRows frame = new RgbRows(new RgbFrame(0, 4, 1, 12, pixels));
    float[] dest = new float[3 * 4 * 3];
    new BicubicResizer().resize(frame, 4, 3, 0, 0, 4, 3, identityLut(), dest, 0);
    for (int y = 0; y < 3; y++) {
      for (int x = 0; x < 4; x++) {
        for (int c = 0; c < 3; c++) {
          assertEquals(pixels[x * 3 + c] & 0xFF, dest[c * 12 + y * 4 + x], 1e-6,
              "row " + y + ", column " + x + ", channel " + c);
        }
      }
    }
  }
}
