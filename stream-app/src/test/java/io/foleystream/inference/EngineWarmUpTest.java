package io.foleystream.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A warm-up runs every graph at the durations asked for and changes no later result. */
class EngineWarmUpTest {

  private static float[] window(FoleyEngine engine, double durationS) {
    WindowInput input = new WindowInput(null, "rain", null, new InitialNoise.Seeded(7));
    GenerationSettings settings = new GenerationSettings(2, 4.5);
    return durationS == engine.modelSet().manifest().durationS()
        ? engine.generate(input, settings)
        : engine.generateAt(durationS, List.of(input), settings, GenerationListener.NONE).get(0);
  }

  @Test
  void aWarmEngineGivesTheBitsOfACold() {
    float[] coldFull;
    float[] coldShort;
    try (FoleyEngine cold = FoleyEngine.open(TinyModelSet.DIRECTORY, RuntimeOptions.defaults()
        .withThreads(1, 1))) {
      coldFull = window(cold, cold.modelSet().manifest().durationS());
      coldShort = window(cold, 1.92);
    }
    try (FoleyEngine warm = FoleyEngine.open(TinyModelSet.DIRECTORY, RuntimeOptions.defaults()
        .withThreads(1, 1), true)) {
      long nanos = EngineWarmUp.run(warm, List.of(warm.modelSet().manifest().durationS(), 1.92,
          3.84));
      assertTrue(nanos > 0);
      assertArrayEquals(coldFull, window(warm, warm.modelSet().manifest().durationS()));
      assertArrayEquals(coldShort, window(warm, 1.92));
      assertThrows(InvalidInputException.class, () -> EngineWarmUp.run(warm, List.of(0.1)),
          "a duration the model does not take is refused");
    }
  }
}
