package io.foleystream.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The engine on the tiny model set: behaviour that holds for any weights. */
class FoleyEngineTest {

  private static FoleyEngine engine;
  private static SequenceConfig s;
  private static GenerationSettings defaults;

  @BeforeAll
  static void open() {
    engine = FoleyEngine.open(TinyModelSet.DIRECTORY, RuntimeOptions.defaults()
        .withThreads(2, 1));
    s = engine.modelSet().sequence();
    // Fewer steps than the set's 25 keep the suite fast; the golden test runs all 25.
    defaults = new GenerationSettings(8, GenerationSettings.defaults(engine.modelSet())
        .cfgStrength());
  }

  @AfterAll
  static void close() {
    engine.close();
  }

  static VideoFeatures features(long seed) {
    return TinyModelSet.features(s, seed);
  }

  private static float[] generate(VideoFeatures video, String prompt, String negative,
      long seed, GenerationSettings settings) {
    return engine.generate(new WindowInput(video, prompt, negative,
        new InitialNoise.Seeded(seed)), settings);
  }

  @Test
  void anEngineWithoutFeatureExtractorsGeneratesTheSameAudioAndSaysWhatIsMissing() {
    float[] full = generate(features(3), "rain", "", 7, defaults);
    try (FoleyEngine lean = FoleyEngine.open(TinyModelSet.DIRECTORY, RuntimeOptions.defaults()
        .withThreads(2, 1), false)) {
      assertEquals(java.util.EnumSet.complementOf(java.util.EnumSet.of(ModelGraph.CLIP_IMAGE,
          ModelGraph.SYNCHFORMER)), lean.providers().keySet());
      assertArrayEquals(full, lean.generate(new WindowInput(features(3), "rain", "",
          new InitialNoise.Seeded(7)), defaults));
      IllegalStateException e = assertThrows(IllegalStateException.class,
          lean::clipImageEncoder);
      assertTrue(e.getMessage().startsWith("clip_image was not loaded"), e.getMessage());
      assertThrows(IllegalStateException.class, lean::synchformerEncoder);
    }
  }

  @Test
  void everySessionRunsOnCpuHere() {
    assertEquals(java.util.EnumSet.allOf(ModelGraph.class), engine.providers().keySet());
    assertTrue(engine.providers().values().stream().allMatch("CPU"::equals));
  }

  @Test
  void producesExactlyDurationTimesSampleRateFiniteSamples() {
    float[] audio = generate(features(1), "rain", "", 3, defaults);
    ModelSetManifest m = engine.modelSet().manifest();
    assertEquals(Math.round(m.durationS() * m.sampleRate()), audio.length);
    assertEquals(audio.length, engine.samplesPerWindow());
    for (float sample : audio) {
      assertTrue(Float.isFinite(sample));
    }
  }

  @Test
  void theSameSeedGivesTheSameWaveformBitForBit() {
    float[] a = generate(features(1), "dog barking", "", 42, defaults);
    float[] b = generate(features(1), "dog barking", "", 42, defaults);
    assertArrayEquals(a, b);
    assertFalse(Arrays.equals(a, generate(features(1), "dog barking", "", 43, defaults)));
  }

  @Test
  void seededNoiseEqualsTheSameNoiseGivenExplicitly() {
    float[] noise = new float[s.latentLen() * s.latentDim()];
    GaussianNoise.fill(42, noise);
    float[] given = engine.generate(new WindowInput(features(2), "x", "",
        new InitialNoise.Given(noise)), defaults);
    assertArrayEquals(generate(features(2), "x", "", 42, defaults), given);
  }

  @Test
  void aBatchOfWindowsEqualsTheWindowsOneByOne() {
    List<WindowInput> windows = List.of(
        new WindowInput(features(1), "rain", "", new InitialNoise.Seeded(1)),
        new WindowInput(features(2), "birds", "music", new InitialNoise.Seeded(2)),
        new WindowInput(null, "thunder", null, new InitialNoise.Seeded(3)));
    List<float[]> batch = engine.generate(windows, defaults, GenerationListener.NONE);
    assertEquals(3, batch.size());
    for (int w = 0; w < windows.size(); w++) {
      float[] single = engine.generate(windows.get(w), defaults);
      assertArrayEquals(single, batch.get(w), "window " + w + " bit for bit, as a replay that"
          + " batches differently must publish the same audio");
    }
  }

  @Test
  void threadsShareTheSessionsAndGetTheSameResultsAsOneThread() throws Exception {
    float[] first = generate(features(1), "rain", "", 11, defaults);
    float[] second = generate(features(2), "wind", "", 12, defaults);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors
        .newFixedThreadPool(2);
    try {
      var a = pool.submit(() -> generate(features(1), "rain", "", 11, defaults));
      var b = pool.submit(() -> generate(features(2), "wind", "", 12, defaults));
      assertArrayEquals(first, a.get());
      assertArrayEquals(second, b.get());
    } finally {
      pool.shutdown();
    }
  }

  @Test
  void guidanceOffDiffersFromGuidanceOnAndIgnoresTheNegativePrompt() {
    GenerationSettings off = new GenerationSettings(defaults.steps(), 0.5);
    float[] withMusic = generate(features(1), "rain", "music", 5, off);
    float[] withNothing = generate(features(1), "rain", "", 5, off);
    assertArrayEquals(withMusic, withNothing);
    assertTrue(maxAbsDiff(withMusic, generate(features(1), "rain", "", 5, defaults)) > 1e-4);
  }

  @Test
  void theNegativePromptChangesTheGuidedResult() {
    float[] plain = generate(features(1), "rain", "", 5, defaults);
    float[] negative = generate(features(1), "rain", "music", 5, defaults);
    assertTrue(maxAbsDiff(plain, negative) > 1e-5);
    assertArrayEquals(plain, generate(features(1), "rain", null, 5, defaults),
        "a missing negative prompt is the empty string, encoded afresh");
  }

  @Test
  void anAbsentPromptIsTheEncodedEmptyStringNotTheStoredFeature() {
    float[] absent = generate(features(1), null, null, 5, defaults);
    assertArrayEquals(absent, generate(features(1), "", "", 5, defaults),
        "absent and empty prompts are one rule, for the CLI and the streams alike");
    float[] encoded = engine.textEncoder().encode("");
    assertTrue(maxAbsDiff(encoded, engine.modelSet().emptyTextFeature()) > 1e-3,
        "on this set CLIP(\"\") and the stored feature differ, so the equality above would fail "
            + "if absent prompts took the stored feature");
  }

  @Test
  void promptsAreEncodedOnceAndThenServedFromTheCache() {
    String prompt = "a unique prompt for the cache test";
    assertFalse(engine.textEncoder().isCached(prompt));
    long hits = engine.textEncoder().cacheHits();
    float[] first = engine.textEncoder().encode(prompt);
    assertTrue(engine.textEncoder().isCached(prompt));
    float[] second = engine.textEncoder().encode(prompt);
    assertEquals(hits + 1, engine.textEncoder().cacheHits());
    assertArrayEquals(first, second);
    second[0] += 1;
    assertArrayEquals(first, engine.textEncoder().encode(prompt), "callers get copies");
  }

  @Test
  void wrongFeatureShapesAreRefusedByName() {
    VideoFeatures good = features(1);
    VideoFeatures shortClip = new VideoFeatures(Arrays.copyOf(good.clip(), good.clip().length
        - s.clipDim()), good.sync());
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> generate(shortClip, "x", "", 1, defaults));
    assertEquals("CLIP features: " + (good.clip().length - s.clipDim()) + " floats, expected ["
        + s.clipLen() + ", " + s.clipDim() + "] = " + good.clip().length, e.getMessage());
    VideoFeatures longSync = new VideoFeatures(good.clip(), new float[good.sync().length + 1]);
    e = assertThrows(InvalidInputException.class, () -> generate(longSync, "x", "", 1, defaults));
    assertTrue(e.getMessage().startsWith("sync features: "), e.getMessage());
  }

  @Test
  void nanOrInfinityInFeaturesIsRefusedWithTheElement() {
    VideoFeatures video = features(1);
    video.sync()[17] = Float.NaN;
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> generate(video, "x", "", 1, defaults));
    assertEquals("sync features: element 17 is NaN; features must be finite", e.getMessage());
    VideoFeatures other = features(1);
    other.clip()[0] = Float.POSITIVE_INFINITY;
    e = assertThrows(InvalidInputException.class, () -> generate(other, "x", "", 1, defaults));
    assertTrue(e.getMessage().startsWith("CLIP features: element 0 is Infinity"));
  }

  @Test
  void aBadWindowInABatchIsNamedAndNothingRuns() {
    VideoFeatures bad = features(1);
    bad.clip()[5] = Float.NaN;
    List<WindowInput> windows = new ArrayList<>();
    windows.add(new WindowInput(features(1), "a", "", new InitialNoise.Seeded(1)));
    windows.add(new WindowInput(bad, "a", "", new InitialNoise.Seeded(1)));
    List<Integer> steps = new ArrayList<>();
    InvalidInputException e = assertThrows(InvalidInputException.class, () -> engine.generate(
        windows, defaults, new GenerationListener() {
          @Override
          public void stepCompleted(int completed, int total) {
            steps.add(completed);
          }
        }));
    assertTrue(e.getMessage().startsWith("window 1: CLIP features: element 5 is NaN"));
    assertEquals(List.of(), steps);
  }

  @Test
  void noiseOfTheWrongSizeIsRefused() {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> engine.generate(new WindowInput(null, "a", "", new InitialNoise.Given(
            new float[7])), defaults));
    assertTrue(e.getMessage().startsWith("noise: 7 floats"), e.getMessage());
  }

  @Test
  void settingsOutOfRangeAreRefused() {
    assertThrows(InvalidInputException.class, () -> new GenerationSettings(0, 4.5));
    assertThrows(InvalidInputException.class, () -> new GenerationSettings(25, Double.NaN));
  }

  @Test
  void featureExtractorsCheckTheirFrames() {
    int clipFrame = 3 * s.clipImageSize() * s.clipImageSize();
    FloatBuffer frames = Tensors.directFloats(2 * clipFrame);
    assertEquals(2 * s.clipDim(), engine.clipImageEncoder().encode(frames, 2).length);
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> engine.clipImageEncoder().encode(frames, 3));
    assertTrue(e.getMessage().contains("expected " + 3L * clipFrame), e.getMessage());
    frames.put(clipFrame + 5, Float.NaN);
    e = assertThrows(InvalidInputException.class,
        () -> engine.clipImageEncoder().encode(frames, 2));
    assertTrue(e.getMessage().contains("(frame 1) is NaN"), e.getMessage());

    int syncFrame = 3 * s.syncImageSize() * s.syncImageSize();
    FloatBuffer fifteen = Tensors.directFloats(15 * syncFrame);
    e = assertThrows(InvalidInputException.class,
        () -> engine.synchformerEncoder().encode(fifteen, 15));
    assertTrue(e.getMessage().contains("fewer frames than one segment"), e.getMessage());
    assertEquals(3, engine.synchformerEncoder().segments(32));
  }

  static double maxAbsDiff(float[] a, float[] b) {
    assertEquals(a.length, b.length);
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs((double) a[i] - b[i]));
    }
    return max;
  }
}
