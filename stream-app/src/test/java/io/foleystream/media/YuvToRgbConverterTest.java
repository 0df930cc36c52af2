package io.foleystream.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Fixed points of swscale's BT.601 conversion, and rows converted on demand against the whole
 * frame's conversion. Bit-exactness against FFmpeg itself is {@link OfficialColourParityTest}'s
 * job.
 */
class YuvToRgbConverterTest {

  @Test
  void blackWhiteAndGreyAreNeutral() {
    assertArrayEquals(new int[] {0, 0, 0}, convertOne(false, 16, 128, 128));
    assertArrayEquals(new int[] {255, 255, 255}, convertOne(false, 235, 128, 128));
    assertArrayEquals(new int[] {235, 235, 235}, convertOne(true, 235, 128, 128),
        "full range keeps Y 235 below white");
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
  void rowsReadInAnyColumnRangeEqualTheWholeFrameConversion() {
    Random random = new Random(7);
    for (int[] size : new int[][] {{38, 6}, {37, 7}, {2, 2}, {65, 33}}) {
      for (boolean fullRange : new boolean[] {false, true}) {
        int w = size[0];
        int h = size[1];
        I420Layout layout = I420Layout.of(w, h);
        byte[] yuv = new byte[layout.size()];
        random.nextBytes(yuv);
        int stride = (w * 3 + 3) & ~3;
        byte[] rgb = new byte[stride * h];
        YuvToRgbConverter.forRange(fullRange).convert(yuv, layout, rgb, stride);
        I420Rows rows = new I420Rows().of(new I420Frame(0, layout, yuv, fullRange));
        for (int[] range : new int[][] {{0, w}, {1, w}, {0, w - 1}, {w / 3, w / 3 + 1},
            {w / 2 - 1, w}}) {
          int from = range[0];
          int to = range[1];
          float[][] dest = new float[3][to - from + 3];
          // Rows out of order, each twice: a kept chroma row must never serve the wrong row.
          int four = Math.min(4, h - 1);
          int one = Math.min(1, h - 1);
          // Each range starts on the row the range before ended on, so the kept chroma terms
          // must also be told apart by their columns.
          for (int y : new int[] {four, 0, 1, h - 1, h / 2, h / 2, 1, 0, four, one, four}) {
            rows.read(y, from, to, dest[0], dest[1], dest[2]);
            for (int x = from; x < to; x++) {
              for (int c = 0; c < 3; c++) {
                assertEquals(rgb[y * stride + 3 * x + c] & 0xFF, dest[c][x - from],
                    w + "x" + h + (fullRange ? " full" : " limited") + " row " + y + " column "
                    + x + " channel " + c);
              }
            }
          }
        }
      }
    }
  }

  private static int[] convertOne(boolean fullRange, int y, int u, int v) {
    I420Layout layout = I420Layout.of(2, 2);
    byte[] yuv = new byte[layout.size()];
    Arrays.fill(yuv, 0, layout.uOffset(), (byte) y);
    Arrays.fill(yuv, layout.uOffset(), layout.vOffset(), (byte) u);
    Arrays.fill(yuv, layout.vOffset(), layout.size(), (byte) v);
    byte[] rgb = new byte[2 * 12];
    YuvToRgbConverter.forRange(fullRange).convert(yuv, layout, rgb, 12);
    return new int[] {rgb[0] & 0xFF, rgb[1] & 0xFF, rgb[2] & 0xFF};
  }
}
