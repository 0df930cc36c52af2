package io.foleystream.inference;

/**
 * What one window's audio is generated from.
 *
 * <p>Text follows MMAudio's demo ({@link TextPlan}): a null prompt or negative prompt is the empty
 * string, and the empty string is encoded by CLIP like any other text.
 *
 * @param video the visual features, or null for text-to-audio (the learned empty features)
 * @param prompt the prompt, or null for none
 * @param negativePrompt the negative prompt, or null for the default
 * @param noise the starting noise
 * @param prefix the window's known leading latent frames, continued from the previous window,
 *     or null to generate the whole window
 * @param audioFromSample the first sample of the window's audio the caller needs (0 for all of
 *     it): earlier samples are not rendered ({@link GeneratedWindow#renderedFromSample()})
 */
public record WindowInput(VideoFeatures video, String prompt, String negativePrompt,
    InitialNoise noise, LatentPrefix prefix, int audioFromSample) {

  /**
   * @throws NullPointerException if the noise source is missing
   * @throws IllegalArgumentException if the first needed sample is negative
   */
  public WindowInput {
    java.util.Objects.requireNonNull(noise, "noise");
    if (audioFromSample < 0) {
      throw new IllegalArgumentException("first needed sample " + audioFromSample + " < 0");
    }
  }

  /**
   * A window whose whole audio is needed.
   *
   * @param video the visual features, or null for text-to-audio
   * @param prompt the prompt, or null for none
   * @param negativePrompt the negative prompt, or null for the default
   * @param noise the starting noise
   * @param prefix the window's known leading latent frames, or null
   */
  public WindowInput(VideoFeatures video, String prompt, String negativePrompt,
      InitialNoise noise, LatentPrefix prefix) {
    this(video, prompt, negativePrompt, noise, prefix, 0);
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
    this(video, prompt, negativePrompt, noise, null, 0);
  }
}
