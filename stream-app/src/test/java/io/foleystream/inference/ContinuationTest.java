package io.foleystream.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Latent continuation on the tiny set: a window B that continues window A from A's latent keeps
 * A's frames exactly, and the two renderings of the shared stretch agree far more closely than
 * those of an independently generated B.
 */
class ContinuationTest {

  private static FoleyEngine engine;
  private static StreamFeatures stream;
  private static GenerationSettings settings;

  @BeforeAll
  static void open() {
    engine = FoleyEngine.open(TinyModelSet.DIRECTORY, RuntimeOptions.defaults()
        .withThreads(2, 1));
    stream = new StreamFeatures(engine.modelSet().sequence(), engine.sampleRate(), 2, 17);
    // Fewer steps than the set's 25 keep the test fast; SeamMeasurement runs all 25.
    settings = new GenerationSettings(8, GenerationSettings.defaults(engine.modelSet())
        .cfgStrength());
  }

  @AfterAll
  static void close() {
    engine.close();
  }

  private static GeneratedWindow generate(int startFrame, long seed, LatentPrefix prefix) {
    return engine.generateWindows(List.of(new WindowInput(stream.window(startFrame), "rain", "",
        new InitialNoise.Seeded(seed), prefix)), settings, GenerationListener.NONE).get(0);
  }

  @Test
  void aContinuedWindowKeepsTheKnownFramesAndRendersTheOverlapLikeThePreviousWindow() {
    int hop = engine.latentFrames() / 2;
    int dim = engine.latentDim();
    GeneratedWindow a = generate(0, 1, null);
    LatentPrefix prefix = LatentPrefix.continuing(a.latent(), dim, hop);
    GeneratedWindow continued = generate(hop, 2, prefix);
    GeneratedWindow independent = generate(hop, 2, null);

    assertArrayEquals(Arrays.copyOfRange(a.latent(), hop * dim, a.latent().length),
        Arrays.copyOf(continued.latent(), prefix.values().length));

    int shift = hop * engine.samplesPerLatentFrame();
    int n = engine.samplesPerWindow();
    // Away from both windows' edges, where only the decoder's context differs.
    int edge = engine.defaultDecoderMarginSamples();
    double inside = Renderings.relativeRms(a.waveform(), continued.waveform(), shift,
        shift + edge, n - edge);
    double insideIndependent = Renderings.relativeRms(a.waveform(), independent.waveform(),
        shift, shift + edge, n - edge);
    assertTrue(inside < insideIndependent / 10, "overlap differs by " + inside
        + " of the signal when continued, " + insideIndependent + " when independent");

    int crossfade = engine.sampleRate() / 20;
    double seam = Renderings.seam(a.waveform(), continued.waveform(), shift, edge, crossfade);
    double seamIndependent = Renderings.seam(a.waveform(), independent.waveform(), shift, edge,
        crossfade);
    assertTrue(seam < seamIndependent / 10, "seam " + seam + " continued, " + seamIndependent
        + " independent");
  }

  @Test
  void theLatentFactsDescribeTheGeneratedLatentAndAudio() {
    GeneratedWindow a = generate(0, 5, null);
    assertEquals(engine.latentFrames() * engine.latentDim(), a.latent().length);
    SequenceConfig s = engine.modelSet().sequence();
    assertEquals(s.samples(), engine.latentFrames() * engine.samplesPerLatentFrame());
    assertTrue(a.waveform().length <= s.samples()
        && a.waveform().length > s.samples() - engine.samplesPerLatentFrame());
  }

  @Test
  void theLastFramesOfAWindowCanBeKnownAndTheWholeWindowToo() {
    int frames = engine.latentFrames();
    GeneratedWindow a = generate(0, 3, null);
    GeneratedWindow all = generate(0, 4, new LatentPrefix(frames, a.latent()));
    assertArrayEquals(a.latent(), all.latent());
    assertArrayEquals(a.waveform(), all.waveform(), "the same latent decodes the same");
  }

  @Test
  void aPrefixThatDoesNotFitTheSetIsRejectedBeforeAnythingRuns() {
    int dim = engine.latentDim();
    int frames = engine.latentFrames();
    InvalidInputException tooLong = assertThrows(InvalidInputException.class,
        () -> generate(0, 1, new LatentPrefix(frames + 1, new float[(frames + 1) * dim])));
    assertTrue(tooLong.getMessage().contains("latent prefix"), tooLong.getMessage());
    assertThrows(InvalidInputException.class,
        () -> generate(0, 1, new LatentPrefix(2, new float[2 * (dim + 1)])));
    float[] nan = new float[dim];
    nan[dim - 1] = Float.NaN;
    assertThrows(InvalidInputException.class, () -> generate(0, 1, new LatentPrefix(1, nan)));
    assertThrows(IllegalArgumentException.class,
        () -> LatentPrefix.continuing(new float[frames * dim], dim, frames));
  }
}
