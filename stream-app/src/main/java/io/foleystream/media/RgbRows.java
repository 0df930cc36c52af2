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
  public void read(int y, int from, int to, float[] red, float[] green, float[] blue) {
    byte[] pixels = frame.pixels();
    int in = y * frame.stride() + 3 * from;
    for (int x = 0; x < to - from; x++, in += 3) {
      red[x] = pixels[in] & 0xFF;
      green[x] = pixels[in + 1] & 0xFF;
      blue[x] = pixels[in + 2] & 0xFF;
    }
  }
}
