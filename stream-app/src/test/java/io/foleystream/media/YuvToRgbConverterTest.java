package io.foleystream.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Fixed points of swscale's BT.601 conversion, and the column range. Bit-exactness against
 * FFmpeg itself is {@link OfficialColourParityTest}'s job.
 */
class YuvToRgbConverterTest {

  @Test
  void blackWhiteAndGreyAreNeutral() {
    assertArrayEquals(new int[] {0, 0, 0}, convertOne(false, 16, 128, 128));
    assertArrayEquals(new int[] {255, 255, 255}, convertOne(false, 235, 128, 128));
    assertArrayEquals(new int[] {0, 0, 0}, convertOne(true, 0, 128, 128));
    assertArrayEquals(new int[] {255, 255, 255}, convertOne(true, 255, 128, 128));
    int[] grey = convertOne(false, 126, 128, 128);
    assertEquals(grey[0], grey[1]);
    assertEquals(grey[1], grey[2]);
  }

  @Test
  void limitedRangeRedIsBt601Red() {
    // BT.601 limited-range red is Y 81, U 90, V 240 (rounded); BT.709 would read it with G near
    // 60. swscale's truncating fixed point lands a few steps low.
    int[] rgb = convertOne(false, 81, 90, 240);
    assertEquals(255, rgb[0], 3);
    assertEquals(0, rgb[1], 3);
    assertEquals(0, rgb[2], 3);
  }

  @Test
  void aColumnRangeConvertsExactlyThoseColumns() {
    int w = 38;
    int h = 6;
    I420Layout layout = I420Layout.of(w, h);
    byte[] yuv = new byte[layout.size()];
    new Random(7).nextBytes(yuv);
    int stride = (w * 3 + 3) & ~3;
    byte[] full = new byte[stride * h];
    YuvToRgbConverter.forRange(false).convert(yuv, layout, full, stride, 0, w);
    byte[] part = new byte[stride * h];
    Arrays.fill(part, (byte) 7);
    YuvToRgbConverter.forRange(false).convert(yuv, layout, part, stride, 10, 27);
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        for (int c = 0; c < 3; c++) {
          int i = y * stride + 3 * x + c;
          if (x >= 10 && x < 27) {
            assertEquals(full[i], part[i], "pixel " + x + "," + y);
          } else if (x < 10 || x > 27) {
            assertEquals(7, part[i], "pixel " + x + "," + y + " outside the range");
          }
        }
      }
    }
    assertThrows(IllegalArgumentException.class, () -> YuvToRgbConverter.forRange(false)
        .convert(yuv, layout, part, stride, 0, w + 1));
  }

  private static int[] convertOne(boolean fullRange, int y, int u, int v) {
    I420Layout layout = I420Layout.of(2, 2);
    byte[] yuv = new byte[layout.size()];
    Arrays.fill(yuv, 0, layout.uOffset(), (byte) y);
    Arrays.fill(yuv, layout.uOffset(), layout.vOffset(), (byte) u);
    Arrays.fill(yuv, layout.vOffset(), layout.size(), (byte) v);
    byte[] rgb = new byte[2 * 12];
    YuvToRgbConverter.forRange(fullRange).convert(yuv, layout, rgb, 12, 0, 2);
    return new int[] {rgb[0] & 0xFF, rgb[1] & 0xFF, rgb[2] & 0xFF};
  }
}
