package io.foleystream.inference;

import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/** Preprocessed frames whose pixels depend on their source PTS only, as a stream's would. */
final class SourceFrames {

  /** Frames already drawn, by size and PTS: drawing a 384 px frame costs more than encoding it. */
  private static final Map<String, float[]> FRAMES = new ConcurrentHashMap<>();

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
      long pts = sourcePtsUs[i];
      out.put(FRAMES.computeIfAbsent(size + "@" + pts, key -> pixels(frame, pts)));
    }
    return out.flip();
  }

  private static float[] pixels(int floats, long seed) {
    Random random = new Random(seed);
    float[] pixels = new float[floats];
    for (int j = 0; j < floats; j++) {
      pixels[j] = random.nextFloat() * 2 - 1;
    }
    return pixels;
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
