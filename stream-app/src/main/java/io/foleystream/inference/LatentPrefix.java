package io.foleystream.inference;

import java.util.Arrays;
import java.util.Objects;

/**
 * The known leading latent frames of a window, for continuing a stream in latent space: when
 * windows overlap, the frames the new window shares with the previous one are the previous
 * window's final latent shifted by the hop, and the sampler generates only the rest, conditioned
 * on them ("replacement" inpainting, see {@link EulerSampler}).
 *
 * @param frames K, the number of known frames, from the window's first
 * @param values {@code frames * latent_dim} normalised latent values (as the decoder takes them),
 *     C order
 */
public record LatentPrefix(int frames, float[] values) {

  /**
   * @throws NullPointerException if values is null
   * @throws IllegalArgumentException if frames is not positive or values is not a whole number
   *     of frames
   */
  public LatentPrefix {
    Objects.requireNonNull(values, "latent prefix values");
    if (frames < 1 || values.length % frames != 0) {
      throw new IllegalArgumentException("a latent prefix needs at least one frame and a whole "
          + "number of values per frame: " + frames + " frames, " + values.length + " values");
    }
  }

  /**
   * The prefix a window continues from when it starts {@code hopFrames} latent frames after the
   * previous window: the previous window's frames {@code [hopFrames, latent_len)}.
   *
   * @param previousLatent the previous window's final latent, {@code latent_len * latent_dim}
   * @param latentDim latent channels
   * @param hopFrames latent frames between the two windows' starts
   * @return the last {@code latent_len - hopFrames} frames of the previous latent
   * @throws IllegalArgumentException if the hop leaves no overlap or the latent is not a whole
   *     number of frames
   */
  public static LatentPrefix continuing(float[] previousLatent, int latentDim, int hopFrames) {
    if (latentDim < 1 || previousLatent.length % latentDim != 0) {
      throw new IllegalArgumentException(previousLatent.length + " latent values are not whole "
          + "frames of " + latentDim);
    }
    int frames = previousLatent.length / latentDim;
    if (hopFrames < 0 || hopFrames >= frames) {
      throw new IllegalArgumentException("a hop of " + hopFrames + " latent frames leaves no "
          + "overlap with a window of " + frames);
    }
    return new LatentPrefix(frames - hopFrames, Arrays.copyOfRange(previousLatent,
        hopFrames * latentDim, previousLatent.length));
  }
}
