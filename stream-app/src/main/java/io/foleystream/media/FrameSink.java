package io.foleystream.media;

/**
 * Receives decoded frames in decoder output order (presentation order for well-formed streams).
 */
public interface FrameSink {

  /** What to do with a decoded frame, decided from its time alone. */
  enum Decision {
    /** Release the frame without copying its pixels out of GStreamer. */
    SKIP,
    /** Copy the frame and hand it to {@link #accept}. */
    TAKE,
    /** No frame from here on is needed: stop decoding this input. */
    STOP
  }

  /**
   * Decides about the frame at this time.
   *
   * @param ptsUs the frame's presentation time on the stream timeline
   * @return what to do with it
   */
  Decision decide(long ptsUs);

  /**
   * Consumes a frame this sink decided to take. The pixel array is reused for the next frame
   * once this returns.
   *
   * @param frame the frame
   * @return true to go on decoding, false when no later frame is needed
   */
  boolean accept(RgbFrame frame);

  /**
   * A sink that copies no frame but lets the whole input decode: decoding it checks that it
   * decodes and counts its frames.
   *
   * @return the sink
   */
  static FrameSink skipEveryFrame() {
    return new FrameSink() {
      @Override
      public Decision decide(long ptsUs) {
        return Decision.SKIP;
      }

      @Override
      public boolean accept(RgbFrame frame) {
        return true;
      }
    };
  }
}
