package io.foleystream.media;

/**
 * The rows of a packed RGB frame.
 *
 * @param frame the frame
 */
record RgbRows(RgbFrame frame) implements FrameRows {

  @Override
  public int width() {
    return frame.width();
  }

  @Override
  public int height() {
    return frame.height();
  }

  @Override
  public void read(int y, int from, int to, float[] dest, int plane) {
    byte[] pixels = frame.pixels();
    int in = y * frame.stride() + 3 * from;
    int g = plane;
    int b = 2 * plane;
    for (int x = 0; x < to - from; x++, in += 3) {
      dest[x] = pixels[in] & 0xFF;
      dest[g + x] = pixels[in + 1] & 0xFF;
      dest[b + x] = pixels[in + 2] & 0xFF;
    }
  }
}
