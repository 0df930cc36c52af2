package io.foleystream.inference;

/** Where a window's starting noise x0 comes from. */
public sealed interface InitialNoise {

  /**
   * Noise drawn from {@link GaussianNoise} with a seed.
   *
   * @param seed the seed
   */
  record Seeded(long seed) implements InitialNoise {}

  /**
   * Noise given explicitly, e.g. read from a reference run's {@code .npy}.
   *
   * @param values {@code latent_len * latent_dim} floats, C order
   */
  record Given(float[] values) implements InitialNoise {
    /**
     * @throws NullPointerException if values is null
     */
    public Given {
      java.util.Objects.requireNonNull(values, "noise values");
    }
  }
}
