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
  private float[] luma = new float[0];
  private float[] redTerms = new float[0];
  private float[] greenTerms = new float[0];
  private float[] blueTerms = new float[0];
  private int chromaRow = -1;
  private int chromaFrom;
  private int chromaTo;

  /**
   * Points this instance at a frame.
   *
   * @param frame the frame whose rows {@link #read} converts from now on
   * @return this
   */
  I420Rows of(I420Frame frame) {
    this.frame = frame;
    this.converter = YuvToRgbConverter.forRange(frame.fullRange());
    chromaRow = -1;
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
    if (luma.length < count) {
      luma = new float[count];
      redTerms = new float[count];
      greenTerms = new float[count];
      blueTerms = new float[count];
      chromaRow = -1;
    }
    if (y >> 1 != chromaRow || from != chromaFrom || to != chromaTo) {
      converter.chromaTerms(frame.data(), layout, y >> 1, from, to, redTerms, greenTerms,
          blueTerms);
      chromaRow = y >> 1;
      chromaFrom = from;
      chromaTo = to;
    }
    converter.lumaTerms(frame.data(), y * layout.yStride() + from, count, luma);
    YuvToRgbConverter.clampInto(luma, redTerms, count, red);
    YuvToRgbConverter.clampInto(luma, greenTerms, count, green);
    YuvToRgbConverter.clampInto(luma, blueTerms, count, blue);
  }
}
