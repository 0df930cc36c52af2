package io.foleystream.inference;

import java.nio.FloatBuffer;

/** Checks on frame buffers before they reach a feature extractor. */
final class FrameChecks {

  private FrameChecks() {}

  /**
   * Fails unless a buffer holds exactly count frames of finite values.
   *
   * @param frames the buffer, from position to limit
   * @param count expected frames
   * @param frameSize floats per frame
   * @param what the input's description for messages
   * @throws InvalidInputException naming the input and the problem
   */
  static void requireFrames(FloatBuffer frames, int count, int frameSize, String what) {
    if (count < 1) {
      throw new InvalidInputException(what + ": no frames");
    }
    long expected = (long) count * frameSize;
    if (frames.remaining() != expected) {
      throw new InvalidInputException(what + ": buffer holds " + frames.remaining()
          + " floats, expected " + expected);
    }
    int base = frames.position();
    for (int i = 0; i < expected; i++) {
      float v = frames.get(base + i);
      if (!Float.isFinite(v)) {
        throw new InvalidInputException(what + ": element " + i + " (frame " + i / frameSize
            + ") is " + v + "; frames must be finite");
      }
    }
  }
}
