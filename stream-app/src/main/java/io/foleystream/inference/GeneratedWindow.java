package io.foleystream.inference;

/**
 * One generated window: its audio and the final latent it was decoded from, which the next
 * overlapping window continues ({@link LatentPrefix#continuing}).
 *
 * @param waveform {@link FoleyEngine#samplesPerWindow()} samples at the set's sample rate; those
 *     before {@code renderedFromSample} are zero
 * @param latent {@code latent_len * latent_dim} normalised latent values as fed to the decoder,
 *     C order
 * @param renderedFromSample the first rendered sample: 0, or at most the window's {@link
 *     WindowInput#audioFromSample()} when only the end of the window was asked for
 */
public record GeneratedWindow(float[] waveform, float[] latent, int renderedFromSample) {

  /**
   * @throws NullPointerException if either array is missing
   * @throws IllegalArgumentException if the first rendered sample is outside the waveform
   */
  public GeneratedWindow {
    java.util.Objects.requireNonNull(waveform, "waveform");
    java.util.Objects.requireNonNull(latent, "latent");
    if (renderedFromSample < 0 || renderedFromSample > waveform.length) {
      throw new IllegalArgumentException("first rendered sample " + renderedFromSample
          + " outside a waveform of " + waveform.length);
    }
  }
}
