package io.foleystream.media;

/**
 * Turns a decoded RGB frame into one frame of model input: the two transforms of the model
 * contract (DESIGN.md, model-facts.md 3.2), both built on the same antialiased bicubic resize.
 *
 * <ul>
 *   <li>{@link #clip()}: resize to 384 x 384 ignoring the aspect ratio, round to 8 bits, scale to
 *       [0, 1], then normalise with the CLIP mean and standard deviation.
 *   <li>{@link #synchformer()}: resize the shorter side to 224 (the longer side becomes
 *       floor(224 * long / short)), round to 8 bits, centre-crop 224 x 224 (offsets rounded half
 *       to even, as Python's {@code round}), scale to [-1, 1].
 * </ul>
 *
 * <p>Output is planar float32 (C, H, W), the layout of one frame of the model tensors. Each
 * 8-bit value is mapped through a table computed with the reference's float32 arithmetic
 * ({@code (v / 255 - mean) / std}), so the scaling adds no error of its own.
 *
 * <p>Not thread-safe: use one instance per thread.
 */
public final class FramePreprocessor {

  /** CLIP (OpenAI / DFN5B) per-channel mean, RGB. */
  static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
  /** CLIP per-channel standard deviation, RGB. */
  static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};

  /** Side of the square CLIP input. */
  public static final int CLIP_SIZE = 384;
  /** Side of the square Synchformer input. */
  public static final int SYNC_SIZE = 224;

  private enum Fit {
    /** Resize to the target square, aspect ratio not preserved. */
    SQUASH,
    /** Resize the shorter side to the target, then crop the centre square. */
    SHORT_SIDE_THEN_CENTER_CROP
  }

  private final int size;
  private final Fit fit;
  private final float[] lut;
  private final BicubicResizer resizer = new BicubicResizer();

  private FramePreprocessor(int size, Fit fit, float[] lut) {
    this.size = size;
    this.fit = fit;
    this.lut = lut;
  }

  /**
   * The CLIP image branch: 384 x 384, CLIP mean/std normalised.
   *
   * @return a new preprocessor
   */
  public static FramePreprocessor clip() {
    float[] lut = new float[768];
    for (int c = 0; c < 3; c++) {
      for (int v = 0; v < 256; v++) {
        lut[c * 256 + v] = ((float) v / 255f - CLIP_MEAN[c]) / CLIP_STD[c];
      }
    }
    return new FramePreprocessor(CLIP_SIZE, Fit.SQUASH, lut);
  }

  /**
   * The Synchformer branch: shorter side 224, centre crop 224 x 224, values in [-1, 1].
   *
   * @return a new preprocessor
   */
  public static FramePreprocessor synchformer() {
    float[] lut = new float[768];
    for (int c = 0; c < 3; c++) {
      for (int v = 0; v < 256; v++) {
        lut[c * 256 + v] = ((float) v / 255f - 0.5f) / 0.5f;
      }
    }
    return new FramePreprocessor(SYNC_SIZE, Fit.SHORT_SIDE_THEN_CENTER_CROP, lut);
  }

  /**
   * A preprocessor with this one's geometry whose output is the 8-bit resized sample itself
   * (0 to 255 as float), for parity checks against other resize implementations.
   *
   * @return a new preprocessor
   */
  FramePreprocessor withRawOutput() {
    float[] identity = new float[768];
    for (int i = 0; i < 768; i++) {
      identity[i] = i % 256;
    }
    return new FramePreprocessor(size, fit, identity);
  }

  /** The output value of 8-bit sample {@code value} in {@code channel} (0 = R, 1 = G, 2 = B). */
  float lut(int channel, int value) {
    return lut[channel * 256 + value];
  }

  /**
   * Output width and height (the output is square).
   *
   * @return pixels per side
   */
  public int size() {
    return size;
  }

  /**
   * Floats one preprocessed frame occupies: 3 * size * size.
   *
   * @return the frame's element count
   */
  public int floatsPerFrame() {
    return 3 * size * size;
  }

  /**
   * Preprocesses one frame into {@code dest[offset .. offset + floatsPerFrame())}.
   *
   * @param frame the decoded frame
   * @param dest the model tensor
   * @param offset where this frame starts in {@code dest}
   * @throws IllegalArgumentException if {@code dest} is too small
   */
  public void preprocess(RgbFrame frame, float[] dest, int offset) {
    preprocess(new RgbRows(frame), dest, offset);
  }

  /**
   * Preprocesses one frame, read row by row, into {@code dest[offset .. offset +
   * floatsPerFrame())}; the same result as {@link #preprocess(RgbFrame, float[], int)} on the
   * frame's RGB.
   *
   * @param frame the decoded frame's rows
   * @param dest the model tensor
   * @param offset where this frame starts in {@code dest}
   * @throws IllegalArgumentException if {@code dest} is too small
   */
  void preprocess(FrameRows frame, float[] dest, int offset) {
    if (offset < 0 || offset + floatsPerFrame() > dest.length) {
      throw new IllegalArgumentException("frame at " + offset + " does not fit in " + dest.length);
    }
    int[] g = geometry(frame.width(), frame.height());
    resizer.resize(frame, g[0], g[1], g[2], g[3], size, size, lut, dest, offset);
  }

  /** Resize target width and height and crop offsets x, y for a source of this size. */
  private int[] geometry(int w, int h) {
    return switch (fit) {
      case SQUASH -> new int[] {size, size, 0, 0};
      case SHORT_SIDE_THEN_CENTER_CROP -> {
        int outW;
        int outH;
        if (w <= h) {
          outW = size;
          outH = (int) ((long) size * h / w);
        } else {
          outH = size;
          outW = (int) ((long) size * w / h);
        }
        yield new int[] {outW, outH, (int) Math.rint((outW - size) / 2.0),
            (int) Math.rint((outH - size) / 2.0)};
      }
    };
  }
}
