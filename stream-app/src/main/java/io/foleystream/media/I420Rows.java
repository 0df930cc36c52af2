package io.foleystream.media;

/**
 * The rows of an I420 frame converted to RGB on demand, with swscale's arithmetic ({@link
 * YuvToRgbConverter}): only the rows and columns a resize reads are converted, and the whole
 * frame never exists in RGB. The chroma terms of the last chroma row read are kept, since two
 * consecutive luma rows share them.
 *
 * <p>Not thread-safe; one instance serves frame after frame ({@link #of}).
 */
final class I420Rows implements FrameRows {

  private I420Frame frame;
  private YuvToRgbConverter converter;
  private float[] luma;
  private float[] redTerms;
  private float[] greenTerms;
  private float[] blueTerms;
  /** Chroma row and column range of the kept chroma terms, packed; -1 for none. */
  private long chromaKey;

  /**
   * Points this instance at a frame.
   *
   * @param frame the frame whose rows {@link #read} converts from now on
   * @return this
   */
  I420Rows of(I420Frame frame) {
    this.frame = frame;
    this.converter = YuvToRgbConverter.forRange(frame.fullRange());
    int width = frame.layout().width();
    luma = new float[width];
    redTerms = new float[width];
    greenTerms = new float[width];
    blueTerms = new float[width];
    chromaKey = -1;
    return this;
  }

  @Override
  public int width() {
    return frame.layout().width();
  }

  @Override
  public int height() {
    return frame.layout().height();
  }

  @Override
  public void read(int y, int from, int to, float[] red, float[] green, float[] blue) {
    I420Layout layout = frame.layout();
    int count = to - from;
    // Columns fit in 20 bits each: no video frame comes near a million pixels a side.
    long key = (long) (y >> 1) << 40 | (long) from << 20 | to;
    if (key != chromaKey) {
      converter.chromaTerms(frame.data(), layout, y >> 1, from, to, redTerms, greenTerms,
          blueTerms);
      chromaKey = key;
    }
    converter.lumaTerms(frame.data(), y * layout.yStride() + from, count, luma);
    YuvToRgbConverter.clampInto(luma, redTerms, count, red);
    YuvToRgbConverter.clampInto(luma, greenTerms, count, green);
    YuvToRgbConverter.clampInto(luma, blueTerms, count, blue);
  }
}
