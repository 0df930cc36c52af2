package io.foleystream.media;

import java.util.Objects;

/**
 * A run of audio samples placed on the stream timeline.
 *
 * @param ptsUs stream time of the first sample, microseconds
 * @param sampleRate samples per second per channel
 * @param channels number of interleaved channels
 * @param samples interleaved float samples, nominally in [-1, 1] (louder values are clipped when
 *     encoded)
 */
public record AudioBlock(long ptsUs, int sampleRate, int channels, float[] samples) {

  /**
   * Validates the fields.
   *
   * @throws IllegalArgumentException if the rate or channel count is not positive, or the sample
   *     count is not a whole number of frames
   */
  public AudioBlock {
    Objects.requireNonNull(samples, "samples");
    if (sampleRate < 1 || channels < 1 || samples.length % channels != 0) {
      throw new IllegalArgumentException("bad audio block: " + sampleRate + " Hz, " + channels
          + " channels, " + samples.length + " samples");
    }
  }

  /**
   * Samples per channel.
   *
   * @return the frame count
   */
  public int frames() {
    return samples.length / channels;
  }

  /**
   * The block's length.
   *
   * @return duration in microseconds, rounded down
   */
  public long durationUs() {
    return frames() * 1_000_000L / sampleRate;
  }

  /**
   * Where the block ends on the stream timeline.
   *
   * @return {@code ptsUs + durationUs()}
   */
  public long endUs() {
    return ptsUs + durationUs();
  }
}
