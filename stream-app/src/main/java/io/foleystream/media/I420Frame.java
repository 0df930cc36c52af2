package io.foleystream.media;

/**
 * One decoded frame as GStreamer's decoder produced it, 8-bit planar 4:2:0 (I420), placed on
 * the stream timeline. Like {@link RgbFrame}, its array belongs to the producer and is reused
 * once the consumer returns.
 *
 * @param ptsUs presentation time on the stream timeline, microseconds
 * @param layout where the planes lie in {@code data}
 * @param data the planes, at least {@code layout.size()} bytes
 * @param fullRange whether the samples are full range (0-255) rather than limited (16-235)
 */
record I420Frame(long ptsUs, I420Layout layout, byte[] data, boolean fullRange) {

  /**
   * Checks the array against the layout.
   *
   * @throws IllegalArgumentException if the array is too small for the layout
   */
  I420Frame {
    if (data.length < layout.size()) {
      throw new IllegalArgumentException("I420 frame " + layout.width() + "x" + layout.height()
          + " needs " + layout.size() + " bytes, got " + data.length);
    }
  }

  /**
   * The frame converted to packed RGB as swscale does ({@link YuvToRgbConverter}).
   *
   * @param pixels destination, reused by the caller; at least {@code stride * height} bytes
   * @param stride bytes from one RGB row to the next
   * @return the RGB frame over {@code pixels}
   */
  RgbFrame toRgb(byte[] pixels, int stride) {
    YuvToRgbConverter.forRange(fullRange).convert(data, layout, pixels, stride);
    return new RgbFrame(ptsUs, layout.width(), layout.height(), stride, pixels);
  }
}
