package io.foleystream.inference;

/**
 * MMAudio's classifier-free guidance: v = cfg * v_cond + (1 - cfg) * v_uncond, and no
 * unconditional pass at all when cfg &lt; 1.
 *
 * <p>The two weights are rounded to float32 from the double strength, as torch does when a Python
 * float multiplies a float32 tensor, so the combination matches the reference bit for bit.
 *
 * @param strength the guidance strength (4.5 in MMAudio's demo)
 */
public record ClassifierFreeGuidance(double strength) {

  /**
   * @throws IllegalArgumentException if the strength is not a finite number
   */
  public ClassifierFreeGuidance {
    if (!Double.isFinite(strength)) {
      throw new IllegalArgumentException("guidance strength must be finite: " + strength);
    }
  }

  /**
   * Whether the unconditional branch runs at all.
   *
   * @return true for strength &gt;= 1
   */
  public boolean enabled() {
    return strength >= 1.0;
  }

  /**
   * Network rows per window: 2 with guidance (conditional, then unconditional), else 1.
   *
   * @return 1 or 2
   */
  public int branches() {
    return enabled() ? 2 : 1;
  }

  /**
   * Combines the two branches' flows for one element.
   *
   * @param conditional the conditional flow
   * @param unconditional the unconditional flow
   * @return the guided flow
   */
  public float combine(float conditional, float unconditional) {
    return (float) strength * conditional + (float) (1.0 - strength) * unconditional;
  }
}
