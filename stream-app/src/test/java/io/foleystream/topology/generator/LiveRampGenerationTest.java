package io.foleystream.topology.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.inference.DecoderMargin;
import io.foleystream.inference.FoleyEngine;
import io.foleystream.inference.RuntimeOptions;
import io.foleystream.media.DecoderSettings;
import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.GapPolicy;
import io.foleystream.schemas.GenerationSettings;
import io.foleystream.schemas.GeneratorState;
import io.foleystream.schemas.SampleEncoding;
import io.foleystream.schemas.WindowCompletion;
import io.foleystream.schemas.WindowGrid;
import io.foleystream.schemas.WindowMode;
import io.foleystream.schemas.WindowTask;
import io.foleystream.topology.operations.PipelineMetrics;
import io.foleystream.topology.records.PayloadFetcher;
import io.foleystream.topology.records.ReferencePolicy;
import io.foleystream.topology.timeline.StreamTimeline;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A live stream's ramp-up through the generation step on the tiny model set: the first window is
 * about a hop long and publishes audio at once, each ramp window continues the latent of the one
 * before, every sample is published once, and the audio does not depend on how the windows are
 * batched (alone, together, or beside another stream's windows of other lengths).
 */
class LiveRampGenerationTest {

  private static final Path MODELS = Path.of("..", "onnx-models", "fixtures", "tiny",
      "model-set");
  private static final long STREAM_MICROS = 4_000_000L;
  private static final long HOP_MICROS = 2_000_000L;
  private static FoleyEngine engine;
  private static StreamTimeline timeline;
  private static long hop;

  @BeforeAll
  static void open() {
    engine = FoleyEngine.open(MODELS, RuntimeOptions.defaults(), false);
    int spf = engine.samplesPerLatentFrame();
    timeline = new StreamTimeline(WindowMode.LIVE, 0, engine.sampleRate(),
        engine.samplesPerWindow(), spf, DecoderMargin.defaultSamples(spf));
    hop = timeline.hopSamples(HOP_MICROS);
  }

  @AfterAll
  static void close() {
    engine.close();
  }

  /**
   * A stream's windows as the assembler emits them: the ramp, then full windows, up to the one
   * whose grid offset passes the stream length (4 ramp windows and 2 full ones at a 2 s hop).
   */
  private static List<WindowTask> tasks(String stream) {
    long first = timeline.firstGridOffsetSamples(hop, true);
    List<WindowTask> tasks = new ArrayList<>();
    for (long k = 0; timeline.micros(first + k * hop) < STREAM_MICROS; k++) {
      StreamTimeline.Window w = timeline.window(first + k * hop);
      long start = timeline.micros(w.startSamples());
      long end = timeline.micros(w.endSamples());
      tasks.add(WindowTask.newBuilder().setStreamId(stream).setWindowIndex(k)
          .setWindowStartMicros(start).setWindowDurationMicros(end - start)
          .setHopMicros(timeline.micros(w.endSamples() + hop) - end)
          .setGeneration(new GenerationSettings("rain", "", 42L, 2, 4.5, null, false))
          .setChunks(List.of()).setCoveredMicros(0).setCompletion(WindowCompletion.COMPLETE)
          .setGapPolicy(GapPolicy.NONE)
          .setGrid(new WindowGrid(WindowMode.LIVE, 0L, w.startSamples(), hop,
              engine.sampleRate(), timeline.marginSamples()))
          .build());
    }
    return tasks;
  }

  /** The generation step, its meters and the committed state of each stream. */
  private static final class Generator implements AutoCloseable {
    final PipelineMetrics metrics = new PipelineMetrics(new SimpleMeterRegistry());
    final Map<String, GeneratorState> committed = new HashMap<>();
    final Map<String, List<AudioChunk>> audio = new HashMap<>();
    private final WindowFeaturizer featurizer = new WindowFeaturizer(engine,
        new PayloadFetcher(ReferencePolicy.defaults()), DecoderSettings.defaults());
    private final WindowBatchGenerator step = new WindowBatchGenerator(engine, featurizer,
        new AudioChunker(SampleEncoding.PCM_F32LE, 250_000, 5_000,
            engine.samplesPerLatentFrame()), metrics);

    /** Generates one batch and commits its outcomes, as the driver does. */
    List<GenerationStep.Outcome> batch(List<WindowTask> tasks) throws Exception {
      List<GenerationStep.Outcome> outcomes = step.generate(tasks,
          t -> committed.get(t.getStreamId()), t -> false);
      for (GenerationStep.Outcome o : outcomes) {
        assertNull(o.failure(), "window " + o.task().getWindowIndex());
        audio.computeIfAbsent(o.task().getStreamId(), s -> new ArrayList<>()).addAll(o.audio());
        if (o.stateUpdate() != null) {
          committed.put(o.task().getStreamId(), o.stateUpdate().state());
        }
      }
      return outcomes;
    }

    @Override
    public void close() {
      featurizer.close();
    }
  }

  private static List<ByteBuffer> payloads(List<AudioChunk> chunks) {
    return chunks.stream().map(AudioChunk::getPayload).toList();
  }

  @Test
  void theFirstAudioNeedsAHopOfVideoAndEverySampleIsPublishedOnceInOneSignal()
      throws Exception {
    List<WindowTask> tasks = tasks("a");
    try (Generator together = new Generator(); Generator alone = new Generator()) {
      List<GenerationStep.Outcome> outcomes = together.batch(tasks);

      WindowTask first = tasks.get(0);
      long firstSamples = timeline.firstWindowSamples(hop);
      assertEquals(timeline.micros(firstSamples), first.getWindowDurationMicros());
      assertTrue(firstSamples <= hop + (long) timeline.hopUnitFrames()
          * timeline.latentFrameSamples(), "the first window is about one hop of video");
      List<AudioChunk> firstAudio = outcomes.get(0).audio();
      assertEquals(0, firstAudio.get(0).getPtsStartMicros());
      assertEquals(firstSamples - timeline.marginSamples(), firstAudio.stream()
          .mapToLong(a -> a.getPayload().remaining() / 4).sum(),
          "the first window publishes all but its margin");

      long expected = 0;
      for (GenerationStep.Outcome o : outcomes) {
        for (AudioChunk a : o.audio()) {
          assertEquals(timeline.micros(expected), a.getPtsStartMicros(),
              "window " + o.task().getWindowIndex() + " continues where the stream ended");
          expected += a.getPayload().remaining() / 4;
        }
      }
      StreamTimeline.Window last = timeline.window(timeline.firstGridOffsetSamples(hop, true)
          + (tasks.size() - 1) * hop);
      assertEquals(last.endSamples() - timeline.marginSamples(), expected,
          "every sample up to the last window's margin, once");

      assertEquals(tasks.size() - 1, together.metrics.seamErrors().count(), "a join a window");
      // Independent generations join with a seam error of about 0.36 on this set
      // (docs/benchmarks.md); renderings of the same latents with about 0.013.
      assertTrue(together.metrics.seamErrors().max() < 0.1, "every ramp window continues the"
          + " latent of the one before: largest seam " + together.metrics.seamErrors().max());

      List<String> seams = new ArrayList<>();
      for (WindowTask task : tasks) {
        double before = alone.metrics.seamErrors().totalAmount();
        alone.batch(List.of(task));
        seams.add(String.format("%.4f", alone.metrics.seamErrors().totalAmount() - before));
      }
      System.out.printf("ramp seam errors per join (window 0 has none): %s; mean %.5f%n",
          seams.subList(1, seams.size()), together.metrics.seamErrors().mean());
      assertEquals(payloads(together.audio.get("a")), payloads(alone.audio.get("a")),
          "window by window from the committed state (a restart between any two windows)"
              + " gives the same bits");
    }
  }

  @Test
  void windowsOfDifferentLengthsInOneBatchGiveTheAudioEachGetsAlone() throws Exception {
    List<WindowTask> a = tasks("a");
    List<WindowTask> b = tasks("b");
    try (Generator mixed = new Generator(); Generator separate = new Generator()) {
      mixed.batch(a.subList(0, 2));
      // One batch: stream a's third and fourth windows beside stream b's first two, so each
      // round holds windows of two lengths.
      mixed.batch(Stream.concat(a.subList(2, 4).stream(), b.subList(0, 2).stream()).toList());
      separate.batch(a.subList(0, 4));
      separate.batch(b.subList(0, 2));
      assertEquals(payloads(separate.audio.get("a")), payloads(mixed.audio.get("a")));
      assertEquals(payloads(separate.audio.get("b")), payloads(mixed.audio.get("b")));
    }
  }
}
