package io.foleystream.media;

/** How decoded YUV frames become the RGB the model branches resize. */
public enum ColourConversion {
  /**
   * What the official inference path and the models' training features get from FFmpeg's
   * swscale with its default settings: 8-bit 4:2:0 YUV converted with the BT.601 matrix whatever
   * the stream's colorimetry says, limited range unless the stream signals full range, each
   * chroma sample used for its 2 x 2 luma block, and swscale's x86 fixed-point rounding ({@link
   * YuvToRgbConverter}).
   */
  OFFICIAL,
  /**
   * GStreamer's {@code videoconvert}, following the stream's colorimetry (BT.709 for HD, BT.601
   * for SD) and interpolating chroma: closer to what the stream's author saw, but not what the
   * models were trained on.
   */
  STREAM
}
