package io.foleystream.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A window's audio is the same bit for bit whichever windows it is batched with: the streaming
 * application batches whatever windows are ready, so a replay after a crash batches differently
 * and must still publish the same audio.
 */
class BatchInvarianceTest {

  private static FoleyEngine engine;

  @BeforeAll
  static void open() {
    engine = FoleyEngine.open(TinyModelSet.DIRECTORY, RuntimeOptions.defaults()
        .withThreads(1, 1));
  }

  @AfterAll
  static void close() {
    engine.close();
  }

  private static WindowInput window(long seed) {
    return new WindowInput(TinyModelSet.features(engine.modelSet().sequence(), seed),
        "rain " + seed, "", new InitialNoise.Seeded(seed));
  }

  @ParameterizedTest(name = "guidance strength {0}")
  @ValueSource(doubles = {4.5, 0.5})
  void aWindowAloneEqualsTheSameWindowInBatchesOfTwoAndThree(double cfg) {
    GenerationSettings settings = new GenerationSettings(3, cfg);
    List<WindowInput> windows = List.of(window(1), window(2), window(3));
    List<float[]> three = engine.generate(windows, settings, GenerationListener.NONE);
    List<float[]> two = engine.generate(windows.subList(1, 3), settings,
        GenerationListener.NONE);
    for (int w = 0; w < 3; w++) {
      float[] alone = engine.generate(windows.get(w), settings);
      assertArrayEquals(alone, three.get(w), "window " + w + " alone vs in a batch of three");
      if (w > 0) {
        assertArrayEquals(alone, two.get(w - 1), "window " + w + " alone vs in a batch of two");
      }
    }
  }
}
