package io.foleystream.inference;

import java.nio.FloatBuffer;
import java.util.Random;

/** Preprocessed frames whose pixels depend on their source PTS only, as a stream's would. */
final class SourceFrames {

  private SourceFrames() {}

  /**
   * The frames of grid points that used the given source frames.
   *
   * @param size frame side in pixels
   * @param sourcePtsUs each grid point's source frame; {@link FrameFeatureCache#NO_FRAME}
   *     repeats the previous point's pixels (the media package's padding)
   * @return {@code count * 3 * size * size} floats in [-1, 1]
   */
  static FloatBuffer of(int size, long... sourcePtsUs) {
    int frame = 3 * size * size;
    FloatBuffer out = FloatBuffer.allocate(sourcePtsUs.length * frame);
    for (int i = 0; i < sourcePtsUs.length; i++) {
      if (sourcePtsUs[i] == FrameFeatureCache.NO_FRAME) {
        out.put(out.duplicate().position((i - 1) * frame).limit(i * frame));
        continue;
      }
      Random random = new Random(sourcePtsUs[i]);
      for (int j = 0; j < frame; j++) {
        out.put(random.nextFloat() * 2 - 1);
      }
    }
    return out.flip();
  }

  /**
   * Consecutive PTS.
   *
   * @param first the first frame's index
   * @param count how many
   * @param periodUs microseconds between frames
   * @return {@code (first + i) * periodUs} for i below count
   */
  static long[] pts(int first, int count, long periodUs) {
    long[] pts = new long[count];
    for (int i = 0; i < count; i++) {
      pts[i] = (first + i) * periodUs;
    }
    return pts;
  }
}
