package io.foleystream.topology.generator;

/**
 * The LIVE margin: how much of a window's end is left for the next window to publish. The VAE
 * decoder and the vocoder see zero padding beyond a window's right edge, so the audio of its last
 * latent frames differs from what the same latents give with real context; the next window,
 * which continues those latents, renders them again with context. The margin is that edge
 * context plus the crossfade between the two renderings, which lies just before the context,
 * where the two renderings already agree (docs/inference.md has the measurement).
 */
public final class DecoderMargin {

  /**
   * Latent frames at a window's right edge whose audio the zero padding changes: on the tiny
   * set the two renderings differ by 49 %, 26 %, 11 %, 5 % ... of the signal's RMS in the last
   * 1, 2, 3, 4 frames and by about 1 % from the 8th frame on, as far inside as the window goes.
   */
  public static final int CONTEXT_FRAMES = 8;
  /** Latent frames of the crossfade between two renderings, before the edge context. */
  public static final int FADE_FRAMES = 4;

  private DecoderMargin() {}

  /**
   * The length of the crossfade between a window's rendering of the audio past its region and
   * the next window's: what the margin leaves before the edge context.
   *
   * @param marginSamples the margin
   * @param latentFrameSamples samples per latent frame
   * @return samples, 0 when the margin is no more than the edge context
   */
  public static long fadeSamples(long marginSamples, int latentFrameSamples) {
    return Math.max(0, marginSamples - (long) CONTEXT_FRAMES * latentFrameSamples);
  }

  /**
   * The default margin of a model set.
   *
   * @param sampleRate output samples per second
   * @param latentFrameSamples output samples per latent frame
   * @return microseconds
   */
  public static long defaultMicros(int sampleRate, int latentFrameSamples) {
    return -Math.floorDiv(-(long) (CONTEXT_FRAMES + FADE_FRAMES) * latentFrameSamples
        * 1_000_000L, sampleRate);
  }
}
