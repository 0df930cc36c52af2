package io.foleystream.inference;

/**
 * How far from a window's right edge its audio still feels the edge: the decoder and vocoder
 * pad the window's end with zeros, so the last stretch of a window's audio differs from what the
 * same latents give inside a longer signal. A live stream publishes a window's audio only up to
 * this margin before its end and takes the rest from the next window.
 *
 * <p>The default is 10 latent frames for every family: 320 ms at 16 kHz (512 samples a frame),
 * 232 ms at 44.1 kHz (1024 samples a frame). docs/inference.md ("Decoder margin") gives the
 * receptive fields it is drawn from and the measurements behind it.
 */
public final class DecoderMargin {

  /** The default margin in latent frames. */
  public static final int DEFAULT_LATENT_FRAMES = 10;

  private DecoderMargin() {}

  /**
   * The default margin in output samples.
   *
   * @param samplesPerLatentFrame the set's {@link FoleyEngine#samplesPerLatentFrame()}
   * @return {@link #DEFAULT_LATENT_FRAMES} latent frames of samples
   */
  public static int defaultSamples(int samplesPerLatentFrame) {
    return DEFAULT_LATENT_FRAMES * samplesPerLatentFrame;
  }

  /**
   * The default margin in whole milliseconds, rounded up so that it covers the samples.
   *
   * @param samplesPerLatentFrame the set's {@link FoleyEngine#samplesPerLatentFrame()}
   * @param sampleRate the set's sample rate
   * @return 320 for 16 kHz sets, 233 for 44.1 kHz sets
   */
  public static int defaultMillis(int samplesPerLatentFrame, int sampleRate) {
    return (int) Math.ceil(defaultSamples(samplesPerLatentFrame) * 1000.0 / sampleRate);
  }
}
