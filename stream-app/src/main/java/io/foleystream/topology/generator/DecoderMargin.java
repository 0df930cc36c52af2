package io.foleystream.topology.generator;

/**
 * The default LIVE margin: how much of a window's end is left for the next window to publish.
 * The VAE decoder and the vocoder are convolutional, so the samples near a window's right edge
 * are computed partly from the zero padding beyond it; the next window renders the same latents
 * with real context there. The margin covers the decoder's context measured on the model sets
 * (docs/inference.md), rounded up to whole latent frames.
 */
public final class DecoderMargin {

  /** Latent frames the decoder's right-edge context spans, as measured. */
  static final int CONTEXT_FRAMES = 4;

  private DecoderMargin() {}

  /**
   * The default margin of a model set.
   *
   * @param sampleRate output samples per second
   * @param latentFrameSamples output samples per latent frame
   * @return microseconds
   */
  public static long defaultMicros(int sampleRate, int latentFrameSamples) {
    return -Math.floorDiv(-(long) CONTEXT_FRAMES * latentFrameSamples * 1_000_000L, sampleRate);
  }
}
