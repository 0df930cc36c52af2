package io.foleystream.inference;

/**
 * One generated window: its audio and the final latent it was decoded from, which the next
 * overlapping window continues ({@link LatentPrefix#continuing}).
 *
 * @param waveform {@link FoleyEngine#samplesPerWindow()} samples at the set's sample rate
 * @param latent {@code latent_len * latent_dim} normalised latent values as fed to the decoder,
 *     C order
 */
public record GeneratedWindow(float[] waveform, float[] latent) {

  /**
   * @throws NullPointerException if either array is missing
   */
  public GeneratedWindow {
    java.util.Objects.requireNonNull(waveform, "waveform");
    java.util.Objects.requireNonNull(latent, "latent");
  }
}
