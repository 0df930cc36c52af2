package io.foleystream.media;

/**
 * Compiles the frame preprocessing before it is needed: a start-up step with no output, kept apart
 * from {@link FramePreprocessor}, whose job is one frame's tensor.
 */
public final class PreprocessingWarmUp {

  private PreprocessingWarmUp() {}

  /**
   * Runs both branches over a few synthetic 1080p frames, so that the JIT has compiled the
   * colour conversion and the resize before a stream's first window needs them: cold, the first
   * frames take 0.1 to 0.45 s each, about 0.7 s in all that a live stream's first window would
   * otherwise wait for (compiled: about 12 ms per CLIP and Synchformer pair). The output is
   * discarded; compiled code computes the interpreter's bits.
   *
   * @param frames frames per branch (8 is enough for the hot loops to compile)
   */
  public static void run(int frames) {
    I420Layout layout = I420Layout.of(1920, 1080);
    byte[] data = new byte[layout.size()];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31 + (i >> 11));
    }
    I420Frame frame = new I420Frame(0, layout, data, false);
    I420Rows rows = new I420Rows();
    for (FramePreprocessor branch : new FramePreprocessor[] {FramePreprocessor.clip(),
        FramePreprocessor.synchformer()}) {
      float[] out = new float[branch.floatsPerFrame()];
      for (int i = 0; i < frames; i++) {
        branch.preprocess(rows.of(frame), out, 0);
      }
    }
  }
}
