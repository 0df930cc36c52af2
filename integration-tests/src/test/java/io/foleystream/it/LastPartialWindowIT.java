package io.foleystream.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.config.ConfigKeys;
import io.foleystream.config.FoleystreamConfig;
import io.foleystream.devstack.ApicurioRegistryServer;
import io.foleystream.devstack.EmbeddedKafkaBroker;
import io.foleystream.inference.FoleyEngine;
import io.foleystream.inference.GenerationListener;
import io.foleystream.inference.GenerationSettings;
import io.foleystream.inference.InitialNoise;
import io.foleystream.inference.ProviderChoice;
import io.foleystream.inference.RuntimeOptions;
import io.foleystream.inference.WindowInput;
import io.foleystream.media.DecoderSettings;
import io.foleystream.media.MediaChunk;
import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.WindowCompletion;
import io.foleystream.schemas.WindowTask;
import io.foleystream.topology.FoleystreamApp;
import io.foleystream.topology.generator.WindowFeaturizer;
import io.foleystream.topology.records.PayloadFetcher;
import io.foleystream.topology.records.ReferencePolicy;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A tumbling stream whose last window is partial (a window and a half, ending off the CLIP frame
 * grid) comes out as audio of exactly the stream's duration, every sample once, and its last
 * window is generated at the duration it covers (rounded up to a whole CLIP frame), as the
 * official code generates a short clip, not generated at full length and cut: its published
 * samples are, bit for bit, the engine's output at that duration for the window's task, and not
 * the first samples of the full-length output, which differ.
 */
@ExtendWith(DevStackExtension.class)
class LastPartialWindowIT {

  private static final long S = PipelineHarness.SECOND;
  private static final int STEPS = 2;
  private static final String STREAM = "short-end";

  @Test
  void theLastPartialWindowIsGeneratedAtTheDurationItCovers(EmbeddedKafkaBroker broker,
      ApicurioRegistryServer registry) throws Exception {
    PipelineHarness harness = new PipelineHarness(broker, registry, "it-lastwin");
    FoleystreamConfig config = harness.config(PipelineHarness.tempDir("lastwin"), 1, STEPS,
        Map.of(ConfigKeys.PROMPT.name(), "footsteps on gravel",
            // No de-click ramp where the last window meets the one before: the published
            // samples are then the engine's, bit for bit.
            ConfigKeys.WINDOW_DECLICK_MS.name(), "0"));
    long window = config.longValue(ConfigKeys.WINDOW_DURATION_MS) * 1000;
    assertEquals(window, config.longValue(ConfigKeys.WINDOW_HOP_MS) * 1000, "tumbling windows");
    // A window and a half, and 0.3 s more so that the stream ends off the CLIP frame grid.
    List<MediaChunk> clip = PipelineHarness.clipMicros(window * 3 / 2 + 300_000);
    long origin = clip.get(0).startUs();
    long streamEnd = clip.get(clip.size() - 1).endUs();
    long lastStart = origin + (streamEnd - origin) / window * window;
    long covered = streamEnd - lastStart;

    List<AudioChunk> audio;
    WindowTask lastTask;
    try (FoleystreamApp app = FoleystreamApp.start(config);
        KafkaProducer<String, byte[]> producer = harness.rawProducer()) {
      harness.sendChunks(producer, STREAM, clip, 0, clip.size());
      audio = harness.audio(List.of(STREAM), Duration.ofMinutes(2));
      lastTask = harness.readCommitted(config.string(ConfigKeys.TOPIC_WINDOW_TASKS),
          WindowTask.class, read -> read.stream().anyMatch(r -> r.value().getCompletion()
              == WindowCompletion.END_OF_STREAM), Duration.ofSeconds(30)).stream()
          .map(ConsumerRecord::value)
          .filter(t -> t.getCompletion() == WindowCompletion.END_OF_STREAM)
          .findFirst().orElseThrow(() -> new AssertionError("no END_OF_STREAM window task"));
    }

    try (FoleyEngine engine = FoleyEngine.open(PipelineHarness.TINY_SET, RuntimeOptions
        .defaults().withProvider(ProviderChoice.parse(config.required(ConfigKeys.PROVIDER)))
        .withThreads(config.intValue(ConfigKeys.THREADS), 1));
        WindowFeaturizer featurizer = new WindowFeaturizer(engine,
            new PayloadFetcher(ReferencePolicy.defaults()), DecoderSettings.from(config))) {
      int rate = engine.sampleRate();
      long clipFrame = S / engine.modelSet().sequence().clipFps();
      assertTrue(covered > 0 && covered < window && covered % clipFrame != 0,
          "the clip's last window is partial and ends off the CLIP frame grid: " + covered);
      long generatedAt = -Math.floorDiv(-covered, clipFrame) * clipFrame;

      // Every sample of the stream once: the chunks follow each other without gap or overlap
      // from the stream's first sample to its last.
      List<AudioChunk> ordered = audio.stream()
          .sorted(Comparator.comparingLong(AudioChunk::getPtsStartMicros)).toList();
      Set<List<Long>> seen = new HashSet<>();
      long samples = 0;
      for (AudioChunk a : ordered) {
        assertTrue(seen.add(List.of(a.getWindowIndex(), (long) a.getChunkIndex())),
            "window " + a.getWindowIndex() + " chunk " + a.getChunkIndex() + " twice");
        assertNull(a.getSilenceReason());
        assertEquals(rate, a.getSampleRate());
        assertEquals(samples, samplesIn(a.getPtsStartMicros() - origin, rate),
            "chunk at " + a.getPtsStartMicros() + " us starts where the audio before it ended");
        samples += floats(a).length;
      }
      assertEquals(samplesIn(streamEnd - origin, rate), samples,
          "the stream's duration in samples, no more, no less");

      // The last window's chunks carry the duration it covers, up to the stream's end.
      long lastIndex = (lastStart - origin) / window;
      List<AudioChunk> last = ordered.stream().filter(a -> a.getWindowIndex() == lastIndex)
          .sorted(Comparator.comparingInt(AudioChunk::getChunkIndex)).toList();
      assertFalse(last.isEmpty(), "audio of the last window");
      assertEquals(lastStart, last.get(0).getPtsStartMicros());
      assertEquals(covered, last.stream().mapToLong(AudioChunk::getDurationMicros).sum());
      AudioChunk end = last.get(last.size() - 1);
      assertTrue(end.getEndOfStream());
      assertEquals(streamEnd, end.getPtsStartMicros() + end.getDurationMicros());
      float[] published = concat(last);
      assertEquals(samplesIn(covered, rate), published.length);

      assertEquals(lastIndex, lastTask.getWindowIndex());
      assertEquals(generatedAt, lastTask.getWindowDurationMicros(),
          "the assembler gives the last window the covered duration, rounded up to a CLIP frame");

      // What the generator makes of the task at the covered duration, and at full length: the
      // published samples are the first, so the window was not generated at full length and
      // cut, which gives other samples (the network sees another sequence).
      long seed = end.getGeneration().getSeed();
      float[] atCovered = engine.generateAt(generatedAt / (double) S, List.of(input(
          featurizer, lastTask, generatedAt, seed)), settings(lastTask),
          GenerationListener.NONE).get(0);
      float[] atFull = engine.generateWindows(List.of(input(featurizer, lastTask, window, seed)),
          settings(lastTask), GenerationListener.NONE).get(0).waveform();
      assertEquals(samplesIn(generatedAt, rate), atCovered.length);
      assertArrayEquals(Arrays.copyOf(atCovered, published.length), published,
          "the last window's audio is the engine's output at the covered duration");
      float[] cut = Arrays.copyOf(atFull, published.length);
      assertNotEquals(0.0, maxAbsDifference(cut, published),
          "the full-length window cut at the stream's end would give other samples");
    }
  }

  /** The window's input as the generator builds it, its frames sampled for a given duration. */
  private static WindowInput input(WindowFeaturizer featurizer, WindowTask task,
      long durationMicros, long seed) throws Exception {
    WindowTask sized = WindowTask.newBuilder(task).setWindowDurationMicros(durationMicros).build();
    var generation = task.getGeneration();
    return new WindowInput(featurizer.featurize(sized).features(),
        orNull(generation.getPrompt()), orNull(generation.getNegativePrompt()),
        new InitialNoise.Seeded(seed));
  }

  private static GenerationSettings settings(WindowTask task) {
    return new GenerationSettings(task.getGeneration().getSteps(),
        task.getGeneration().getCfgStrength());
  }

  /** An empty prompt means none, as the control record's schema says. */
  private static String orNull(String text) {
    return text.isEmpty() ? null : text;
  }

  private static long samplesIn(long micros, int rate) {
    return Math.round(micros * (double) rate / S);
  }

  private static float[] floats(AudioChunk chunk) {
    float[] samples = new float[chunk.getPayload().remaining() / Float.BYTES];
    chunk.getPayload().duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(samples);
    return samples;
  }

  private static float[] concat(List<AudioChunk> chunks) {
    float[][] parts = chunks.stream().map(LastPartialWindowIT::floats).toArray(float[][]::new);
    float[] all = new float[Arrays.stream(parts).mapToInt(p -> p.length).sum()];
    int at = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    return all;
  }

  private static double maxAbsDifference(float[] a, float[] b) {
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }
}
