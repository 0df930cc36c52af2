package io.foleystream.inference;

/**
 * The sampler settings of one generate call, shared by every window it carries.
 *
 * @param steps Euler steps, 1 to 1000
 * @param cfgStrength classifier-free guidance strength; below 1 turns guidance off
 */
public record GenerationSettings(int steps, double cfgStrength) {

  /** The most steps accepted. */
  public static final int MAX_STEPS = 1000;

  /**
   * @throws InvalidInputException for steps out of range or a non-finite strength
   */
  public GenerationSettings {
    if (steps < 1 || steps > MAX_STEPS) {
      throw new InvalidInputException("steps must be between 1 and " + MAX_STEPS + ": " + steps);
    }
    if (!Double.isFinite(cfgStrength)) {
      throw new InvalidInputException("guidance strength must be finite: " + cfgStrength);
    }
  }

  /**
   * The model set's defaults (25 steps, strength 4.5 for MMAudio).
   *
   * @param set the model set
   * @return its defaults
   */
  public static GenerationSettings defaults(ModelSet set) {
    ModelSetManifest.SamplerDefaults defaults = set.manifest().sampler();
    return new GenerationSettings(defaults.steps(), defaults.cfgStrength());
  }
}
