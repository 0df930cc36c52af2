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

  private static WindowInput prefixed(long seed, int frames) {
    int dim = engine.latentDim();
    float[] values = new float[frames * dim];
    GaussianNoise.fill(1000 + seed, values);
    return new WindowInput(TinyModelSet.features(engine.modelSet().sequence(), seed),
        "rain " + seed, "", new InitialNoise.Seeded(seed), new LatentPrefix(frames, values));
  }

  @ParameterizedTest(name = "guidance strength {0}")
  @ValueSource(doubles = {4.5, 0.5})
  void prefixedWindowsMixedWithWholeOnesDoNotDependOnTheBatch(double cfg) {
    GenerationSettings settings = new GenerationSettings(3, cfg);
    int frames = engine.latentFrames();
    List<WindowInput> windows = List.of(prefixed(4, frames / 2), window(5),
        prefixed(6, frames - 1));
    List<GeneratedWindow> three = engine.generateWindows(windows, settings,
        GenerationListener.NONE);
    List<GeneratedWindow> two = engine.generateWindows(windows.subList(1, 3), settings,
        GenerationListener.NONE);
    for (int w = 0; w < 3; w++) {
      GeneratedWindow alone = engine.generateWindows(List.of(windows.get(w)), settings,
          GenerationListener.NONE).get(0);
      assertArrayEquals(alone.waveform(), three.get(w).waveform(), "window " + w + " in three");
      assertArrayEquals(alone.latent(), three.get(w).latent(), "latent " + w + " in three");
      if (w > 0) {
        assertArrayEquals(alone.waveform(), two.get(w - 1).waveform(), "window " + w + " in two");
      }
      LatentPrefix prefix = windows.get(w).prefix();
      if (prefix != null) {
        assertArrayEquals(prefix.values(), java.util.Arrays.copyOf(alone.latent(),
            prefix.values().length), "window " + w + " keeps its known frames exactly");
      }
    }
    assertArrayEquals(engine.generate(window(5), settings), three.get(1).waveform(),
        "a whole window among prefixed ones is today's window");
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
