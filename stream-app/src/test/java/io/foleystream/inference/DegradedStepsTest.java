package io.foleystream.inference;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the generator's {@code DEGRADE} deadline policy does to the audio: the same window with
 * 12 and 6 Euler steps instead of 25 (the sampler's time grid for each count). The Euler loop
 * converges, so fewer steps move the audio further from the 25-step result; the relative RMS
 * differences are printed for the documentation.
 */
class DegradedStepsTest {

  private static FoleyEngine engine;

  @BeforeAll
  static void open() {
    engine = FoleyEngine.open(TinyModelSet.DIRECTORY, RuntimeOptions.defaults()
        .withThreads(2, 1));
  }

  @AfterAll
  static void close() {
    engine.close();
  }

  private static float[] generate(long seed, int steps) {
    double cfg = GenerationSettings.defaults(engine.modelSet()).cfgStrength();
    return engine.generate(new WindowInput(TinyModelSet.features(engine.modelSet().sequence(),
        seed), "rain", "", new InitialNoise.Seeded(seed)), new GenerationSettings(steps, cfg));
  }

  /** RMS of the difference over RMS of the reference. */
  private static double relativeRms(float[] reference, float[] other) {
    double diff = 0;
    double ref = 0;
    for (int i = 0; i < reference.length; i++) {
      double d = other[i] - reference[i];
      diff += d * d;
      ref += (double) reference[i] * reference[i];
    }
    return Math.sqrt(diff / ref);
  }

  @Test
  void fewerStepsMoveTheAudioFurtherFromTheFullResult() {
    int full = GenerationSettings.defaults(engine.modelSet()).steps();
    // One window keeps the class fast; docs/topology.md reports seeds 1 to 3.
    for (long seed = 1; seed <= 1; seed++) {
      float[] reference = generate(seed, full);
      double half = relativeRms(reference, generate(seed, full / 2));
      double quarter = relativeRms(reference, generate(seed, full / 4));
      System.out.printf("seed %d: %d -> %d steps: relative RMS difference %.4f; %d steps: %.4f%n",
          seed, full, full / 2, half, full / 4, quarter);
      assertTrue(half > 0 && half < quarter, "seed " + seed + ": " + half + " vs " + quarter);
    }
  }
}
