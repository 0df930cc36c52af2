package io.foleystream.media;

/**
 * One decoded video frame as packed 8-bit RGB, placed on the stream timeline.
 *
 * <p>The pixel array belongs to the producer and may be overwritten once the consumer that
 * received the frame returns; copy what must outlive the call.
 *
 * @param ptsUs presentation time on the stream timeline, microseconds
 * @param width width in pixels
 * @param height height in pixels
 * @param stride bytes from one row to the next (at least {@code 3 * width})
 * @param pixels rows of R, G, B bytes, {@code stride * height} bytes or more
 */
public record RgbFrame(long ptsUs, int width, int height, int stride, byte[] pixels) {

  /**
   * Checks the geometry against the pixel array.
   *
   * @throws IllegalArgumentException if the array is too small for the geometry
   */
  public RgbFrame {
    if (width < 1 || height < 1 || stride < 3 * width) {
      throw new IllegalArgumentException(
          "bad frame geometry " + width + "x" + height + " stride " + stride);
    }
    if ((long) stride * height > pixels.length) {
      throw new IllegalArgumentException("frame " + width + "x" + height + " stride " + stride
          + " needs " + (long) stride * height + " bytes, got " + pixels.length);
    }
  }
}
