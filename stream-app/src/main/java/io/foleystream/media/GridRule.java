package io.foleystream.media;

/** How the grid times of a window are computed (see {@link SamplingGrid}). */
public enum GridRule {
  /**
   * Exact rational grid times, rounded up to whole microseconds: a frame lying exactly on a grid
   * time serves it. Agrees with FFmpeg's {@code fps} filter, which produced the models' training
   * features.
   */
  EXACT,
  /**
   * The official inference sampler's float64 accumulator: grid time {@code k} is {@code 1/f}
   * added {@code k} times to 0.0 in double precision, compared with the frame time in seconds as
   * a double. Its sum runs a few ulps above the exact time, so a frame lying exactly on a grid
   * time is often judged too early and the next frame is used.
   */
  OFFICIAL
}
