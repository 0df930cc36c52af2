package io.foleystream.media;

/**
 * Where the planes of an I420 (8-bit planar 4:2:0) frame lie in GStreamer's default layout:
 * every stride a multiple of 4, the U plane after {@code ceil2(height)} luma rows, the V plane
 * after {@code ceil2(height) / 2} chroma rows (GStreamer's {@code gst_video_info_set_format}).
 *
 * @param width width in pixels
 * @param height height in pixels
 * @param yStride bytes per luma row
 * @param chromaStride bytes per U or V row
 * @param uOffset start of the U plane
 * @param vOffset start of the V plane
 * @param size bytes of the whole frame
 */
record I420Layout(int width, int height, int yStride, int chromaStride, int uOffset,
    int vOffset, int size) {

  /**
   * GStreamer's default layout of an I420 frame of this size.
   *
   * @param width width in pixels
   * @param height height in pixels
   * @return the layout
   */
  static I420Layout of(int width, int height) {
    int yStride = (width + 3) & ~3;
    int chromaStride = (((width + 1) >> 1) + 3) & ~3;
    int evenHeight = (height + 1) & ~1;
    int uOffset = yStride * evenHeight;
    int chromaSize = chromaStride * (evenHeight >> 1);
    return new I420Layout(width, height, yStride, chromaStride, uOffset, uOffset + chromaSize,
        uOffset + 2 * chromaSize);
  }
}
