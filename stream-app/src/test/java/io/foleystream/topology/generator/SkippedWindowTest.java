package io.foleystream.topology.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.inference.FoleyEngine;
import io.foleystream.inference.RuntimeOptions;
import io.foleystream.media.DecoderSettings;
import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.GapPolicy;
import io.foleystream.schemas.GenerationSettings;
import io.foleystream.schemas.SampleEncoding;
import io.foleystream.schemas.SilenceReason;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.WindowCompletion;
import io.foleystream.schemas.WindowTask;
import io.foleystream.topology.operations.PipelineMetrics;
import io.foleystream.topology.records.PayloadFetcher;
import io.foleystream.topology.records.ReferencePolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A window skipped for its deadline is published as flagged silence on exactly the timeline its
 * audio would have had, without any media work (its chunks' payloads are not even video).
 */
class SkippedWindowTest {

  private static final long S = 1_000_000L;
  private static FoleyEngine engine;
  private static WindowFeaturizer featurizer;

  @BeforeAll
  static void open() {
    engine = FoleyEngine.open(Path.of("../onnx-models/fixtures/tiny/model-set"),
        RuntimeOptions.defaults().withThreads(1, 1));
    featurizer = new WindowFeaturizer(engine, new PayloadFetcher(ReferencePolicy.defaults()), DecoderSettings.defaults());
  }

  @AfterAll
  static void close() {
    featurizer.close();
    engine.close();
  }

  private static VideoChunk chunk(long seq, long start, long duration) {
    return VideoChunk.newBuilder().setStreamId("s").setSequence(seq).setPtsStartMicros(start)
        .setDurationMicros(duration).setMediaType("video/mp2t")
        .setPayload(ByteBuffer.wrap(new byte[] {1, 2, 3})).setEndOfStream(false).build();
  }

  private static WindowTask task(long index, long start, List<VideoChunk> chunks) {
    return WindowTask.newBuilder().setStreamId("s").setWindowIndex(index)
        .setWindowStartMicros(start).setWindowDurationMicros(8 * S).setHopMicros(8 * S)
        .setGeneration(new GenerationSettings("", "", 42L, 2, 4.5, null, false)).setChunks(chunks)
        .setCoveredMicros(8 * S).setCompletion(WindowCompletion.COMPLETE)
        .setGapPolicy(GapPolicy.NONE).build();
  }

  @Test
  void aSkippedWindowIsFlaggedSilenceCutAtItsChunksBoundaries() throws Exception {
    // Chunks of 3 s from 1.5 s: the window [5.5 s, 13.5 s) meets boundaries at 7.5 and 10.5 s.
    List<VideoChunk> chunks = new ArrayList<>();
    for (int n = 1; n < 5; n++) {
      chunks.add(chunk(n, 1_500_000L + (n - 1) * 3 * S, 3 * S));
    }
    WindowTask skipped = task(1, 5_500_000L, chunks.subList(1, 4));
    WindowBatchGenerator generator = new WindowBatchGenerator(engine, featurizer,
        new AudioChunker(SampleEncoding.PCM_F32LE, 0, 0, 512),
        new PipelineMetrics(new SimpleMeterRegistry()));

    List<GenerationStep.Outcome> outcomes = generator.generate(List.of(skipped), t -> null,
        t -> t == skipped);

    GenerationStep.Outcome outcome = outcomes.get(0);
    assertNull(outcome.failure());
    assertTrue(outcome.badChunks().isEmpty(), "nothing was decoded");
    List<Long> starts = outcome.audio().stream().map(AudioChunk::getPtsStartMicros).toList();
    assertEquals(List.of(5_500_000L, 7_500_000L, 10_500_000L), starts);
    long samples = 0;
    for (AudioChunk c : outcome.audio()) {
      assertEquals(SilenceReason.DEADLINE_MISSED, c.getSilenceReason());
      float[] pcm = new float[c.getPayload().remaining() / 4];
      c.getPayload().duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(pcm);
      for (float v : pcm) {
        assertEquals(0f, v);
      }
      samples += pcm.length;
    }
    assertEquals(engine.samplesPerWindow(), samples, "the whole window, not a sample less");
  }
}
