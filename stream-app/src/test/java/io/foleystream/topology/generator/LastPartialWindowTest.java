package io.foleystream.topology.generator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.foleystream.inference.FoleyEngine;
import io.foleystream.inference.GenerationListener;
import io.foleystream.inference.InitialNoise;
import io.foleystream.inference.RuntimeOptions;
import io.foleystream.inference.WindowInput;
import io.foleystream.media.DecoderSettings;
import io.foleystream.schemas.GapPolicy;
import io.foleystream.schemas.GenerationSettings;
import io.foleystream.schemas.SampleEncoding;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.WindowCompletion;
import io.foleystream.schemas.WindowTask;
import io.foleystream.topology.operations.PipelineMetrics;
import io.foleystream.topology.records.PayloadFetcher;
import io.foleystream.topology.records.ReferencePolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A tumbling stream's last window, shorter than the model's, is generated at the duration the
 * assembler gave it (what the stream covers of it), as the official code generates a short clip:
 * its audio is the engine's any-duration output for that window, and nothing is cut from a full
 * window.
 */
class LastPartialWindowTest {

  private static final long S = 1_000_000L;
  private static FoleyEngine engine;
  private static WindowFeaturizer featurizer;

  @BeforeAll
  static void open() {
    engine = FoleyEngine.open(Path.of("../onnx-models/fixtures/tiny/model-set"),
        RuntimeOptions.defaults().withThreads(1, 1));
    featurizer = new WindowFeaturizer(engine, new PayloadFetcher(ReferencePolicy.defaults()),
        DecoderSettings.defaults());
  }

  @AfterAll
  static void close() {
    featurizer.close();
    engine.close();
  }

  @Test
  void theLastWindowIsGeneratedAtItsOwnDuration() throws Exception {
    List<VideoChunk> chunks = TestPatternStream.chunks("short", 6 * S);
    VideoChunk last = chunks.get(chunks.size() - 1);
    long covered = last.getPtsStartMicros() + last.getDurationMicros();
    long duration = 6 * S;
    WindowTask task = WindowTask.newBuilder().setStreamId("short").setWindowIndex(0)
        .setWindowStartMicros(0).setWindowDurationMicros(duration).setHopMicros(8 * S)
        .setGeneration(new GenerationSettings("rain", "", 42L, 2, 4.5, null, false))
        .setChunks(chunks).setCoveredMicros(covered)
        .setCompletion(WindowCompletion.END_OF_STREAM).setGapPolicy(GapPolicy.NONE).build();
    PipelineMetrics metrics = new PipelineMetrics(new SimpleMeterRegistry());
    WindowBatchGenerator generator = new WindowBatchGenerator(engine, featurizer,
        new AudioChunker(SampleEncoding.PCM_F32LE, 0, 0, engine.samplesPerLatentFrame()),
        metrics);

    GenerationStep.Outcome outcome = generator.generate(List.of(task), t -> null, t -> false)
        .get(0);

    assertNull(outcome.failure());
    float[] published = TestPatternStream.samples(outcome.audio());
    double seconds = duration / (double) S;
    float[] expected = engine.generateAt(seconds, List.of(new WindowInput(
        featurizer.featurize(task).features(), "rain", null,
        new InitialNoise.Seeded(WindowSeeds.derive(42L, "short", 0)))),
        new io.foleystream.inference.GenerationSettings(2, 4.5), GenerationListener.NONE).get(0);
    assertEquals(engine.samplesAt(seconds), expected.length);
    assertEquals(Math.round(covered * (double) engine.sampleRate() / S), published.length,
        "the stream's samples up to its end");
    assertArrayEquals(Arrays.copyOf(expected, published.length), published,
        "the engine's bits at that duration");
    assertEquals(seconds, metrics.windowAudioSeconds(), 1e-9,
        "the window counts its own length, not the set's");
  }
}
