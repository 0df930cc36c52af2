package io.foleystream.media;

/**
 * Limits and tolerances of chunk decoding; they bound memory and time per chunk whatever the
 * input.
 *
 * @param maxFrameWidth frames wider than this are scaled down by GStreamer (aspect kept) before
 *     they reach Java; such frames no longer match the reference decoder bit for bit
 * @param maxFrameHeight frames taller than this are scaled down likewise
 * @param maxFramesPerChunk a chunk that decodes to more frames fails with {@link
 *     MediaException.Reason#TOO_LARGE}
 * @param maxChunkBytes a larger chunk is refused before decoding ({@link
 *     MediaException.Reason#TOO_LARGE})
 * @param stallTimeoutMs decoding fails with {@link MediaException.Reason#STALLED} when GStreamer
 *     delivers neither a frame nor the end of the chunk for this long
 * @param timingToleranceUs slack for the timestamp checks: frames may lie this far outside the
 *     declared range, and the decoded frames must reach to within this of the declared end
 */
public record DecoderSettings(int maxFrameWidth, int maxFrameHeight, int maxFramesPerChunk,
    long maxChunkBytes, long stallTimeoutMs, long timingToleranceUs) {

  /**
   * Validates the values.
   *
   * @throws IllegalArgumentException if one is not positive
   */
  public DecoderSettings {
    if (maxFrameWidth < 16 || maxFrameHeight < 16 || maxFramesPerChunk < 1 || maxChunkBytes < 1
        || stallTimeoutMs < 1 || timingToleranceUs < 0) {
      throw new IllegalArgumentException("decoder limits must be positive: " + maxFrameWidth + "x"
          + maxFrameHeight + ", " + maxFramesPerChunk + " frames, " + maxChunkBytes + " bytes, "
          + stallTimeoutMs + " ms, " + timingToleranceUs + " us");
    }
  }

  /**
   * Defaults: frames up to 1920 x 1920 (1080p in either orientation) pass unscaled, 3600 frames
   * (a minute at 60 fps) and 256 MiB per chunk, 10 s stall timeout, 250 ms timing tolerance.
   *
   * @return the defaults
   */
  public static DecoderSettings defaults() {
    return new DecoderSettings(1920, 1920, 3600, 256L << 20, 10_000, 250_000);
  }
}
