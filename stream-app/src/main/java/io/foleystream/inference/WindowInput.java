package io.foleystream.inference;

/**
 * What one window's audio is generated from.
 *
 * <p>Text follows MMAudio's {@code generate()}: a null prompt means "no text" (the stored empty
 * string feature); the negative prompt defaults to {@code ""}, freshly encoded as MMAudio's demo
 * does, except when the prompt is null too, where both branches use the stored feature.
 *
 * @param video the visual features, or null for text-to-audio (the learned empty features)
 * @param prompt the prompt, or null for none
 * @param negativePrompt the negative prompt, or null for the default
 * @param noise the starting noise
 * @param prefix the window's known leading latent frames, continued from the previous window,
 *     or null to generate the whole window
 */
public record WindowInput(VideoFeatures video, String prompt, String negativePrompt,
    InitialNoise noise, LatentPrefix prefix) {

  /**
   * @throws NullPointerException if the noise source is missing
   */
  public WindowInput {
    java.util.Objects.requireNonNull(noise, "noise");
  }

  /**
   * A window generated whole, without a latent prefix.
   *
   * @param video the visual features, or null for text-to-audio
   * @param prompt the prompt, or null for none
   * @param negativePrompt the negative prompt, or null for the default
   * @param noise the starting noise
   */
  public WindowInput(VideoFeatures video, String prompt, String negativePrompt,
      InitialNoise noise) {
    this(video, prompt, negativePrompt, noise, null);
  }
}
