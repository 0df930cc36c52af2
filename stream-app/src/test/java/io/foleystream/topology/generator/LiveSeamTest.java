package io.foleystream.topology.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seams of a 60 s stream at a 2 s hop on the tiny model set, through the generation step
 * itself: live windows continue each other's latent, so their joins are two renderings of the
 * same latents; tumbling and overlap-and-crossfade windows are independent generations.
 */
class LiveSeamTest {

  private static final Path MODELS = Path.of("..", "onnx-models", "fixtures", "tiny",
      "model-set");
  private static final long STREAM_MICROS = 60_000_000L;
  private static FoleyEngine engine;

  @BeforeAll
  static void open() {
    engine = FoleyEngine.open(MODELS, RuntimeOptions.defaults(), false);
  }

  @AfterAll
  static void close() {
    engine.close();
  }

  /** The mean seam error and the published samples of one stream in one mode. */
  private record Run(double meanSeam, long windows, long publishedSamples) {}

  private Run run(WindowMode mode, long hopMicros) throws Exception {
    PipelineMetrics metrics = new PipelineMetrics(new SimpleMeterRegistry());
    int spf = engine.samplesPerLatentFrame();
    long margin = mode == WindowMode.LIVE ? DecoderMargin.defaultSamples(spf) : 0;
    StreamTimeline timeline = new StreamTimeline(mode, 0, engine.sampleRate(),
        engine.samplesPerWindow(), spf, margin);
    long hop = timeline.hopSamples(hopMicros);
    // Live streams ramp up from the origin, as the assembler emits them.
    long first = timeline.firstGridOffsetSamples(hop, true);
    List<WindowTask> tasks = new ArrayList<>();
    for (long k = 0; timeline.micros(first + k * hop) < STREAM_MICROS; k++) {
      StreamTimeline.Window w = timeline.window(first + k * hop);
      long start = timeline.micros(w.startSamples());
      tasks.add(WindowTask.newBuilder().setStreamId("s").setWindowIndex(k)
          .setWindowStartMicros(start)
          .setWindowDurationMicros(timeline.micros(w.endSamples()) - start)
          .setHopMicros(timeline.micros(w.endSamples() + hop) - timeline.micros(w.endSamples()))
          .setGeneration(new GenerationSettings("rain", "", 42L, 2, 4.5, null, false))
          .setChunks(List.of()).setCoveredMicros(0).setCompletion(WindowCompletion.COMPLETE)
          .setGapPolicy(GapPolicy.NONE)
          .setGrid(new WindowGrid(mode, 0L, w.startSamples(), hop, engine.sampleRate(), margin))
          .build());
    }
    try (WindowFeaturizer featurizer = new WindowFeaturizer(engine, new PayloadFetcher(ReferencePolicy.defaults()),
        DecoderSettings.defaults())) {
      WindowBatchGenerator step = new WindowBatchGenerator(engine, featurizer,
          new AudioChunker(SampleEncoding.PCM_F32LE, 250_000, 5_000, spf), metrics);
      Map<String, GeneratorState> committed = new HashMap<>();
      List<GenerationStep.Outcome> outcomes = step.generate(tasks,
          t -> committed.get(t.getStreamId()), t -> false);
      long published = 0;
      long expectedStart = 0;
      for (GenerationStep.Outcome o : outcomes) {
        assertEquals(null, o.failure());
        for (AudioChunk a : o.audio()) {
          assertEquals(timeline.micros(expectedStart), a.getPtsStartMicros(),
              "window " + o.task().getWindowIndex() + " continues where the stream ended");
          long samples = a.getPayload().remaining() / 4;
          published += samples;
          expectedStart += samples;
        }
      }
      return new Run(metrics.seamErrors().mean(), metrics.seamErrors().count(), published);
    }
  }

  @Test
  void liveJoinsAreTenTimesCleanerThanIndependentWindows() throws Exception {
    Run live = run(WindowMode.LIVE, 2_000_000);
    Run overlap = run(WindowMode.TUMBLING, 2_000_000);
    Run tumbling = run(WindowMode.TUMBLING, 8_000_000);
    assertTrue(live.windows() >= 25, "a join per window after the first: " + live.windows());
    assertTrue(live.meanSeam() < overlap.meanSeam() / 10, "live " + live.meanSeam()
        + " against overlap-and-crossfade " + overlap.meanSeam());
    // A tumbling join has one rendering on each side; its seam error is the step between them,
    // which on this untrained set is small because both windows' zero-padded edges are quiet
    // (the level dips instead). Live joins are still several times cleaner than that step.
    assertTrue(live.meanSeam() < tumbling.meanSeam() / 3, "live " + live.meanSeam()
        + " against tumbling " + tumbling.meanSeam());
    System.out.printf("seam error, 60 s at hop 2 s: live %.5f, overlap-and-crossfade %.5f,"
        + " tumbling %.5f%n", live.meanSeam(), overlap.meanSeam(), tumbling.meanSeam());
  }
}
