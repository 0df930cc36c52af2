package io.foleystream.topology.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.foleystream.inference.DecoderMargin;
import io.foleystream.inference.FoleyEngine;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One text-only stream through the generation step in one mode, its windows on the grid the
 * assembler gives them (live streams ramp up from the origin), every published chunk checked to
 * continue where the stream's audio ended.
 */
final class StreamSeams {

  private StreamSeams() {}

  /**
   * What one stream gave.
   *
   * @param meanSeam the mean seam error of its joins
   * @param joins the joins measured
   * @param publishedSamples the samples published
   */
  record Run(double meanSeam, long joins, long publishedSamples) {}

  /**
   * Generates a stream with 2 steps.
   *
   * @param engine the engine
   * @param mode tumbling or live
   * @param hopMicros the hop asked for (live hops round to whole latent frames)
   * @param streamMicros the stream's length
   * @return its seams and samples
   * @throws Exception if featurizing fails
   */
  static Run run(FoleyEngine engine, WindowMode mode, long hopMicros, long streamMicros)
      throws Exception {
    PipelineMetrics metrics = new PipelineMetrics(new SimpleMeterRegistry());
    int spf = engine.samplesPerLatentFrame();
    long margin = mode == WindowMode.LIVE ? DecoderMargin.defaultSamples(spf) : 0;
    StreamTimeline timeline = new StreamTimeline(mode, 0, engine.sampleRate(),
        engine.samplesPerWindow(), spf, margin);
    long hop = timeline.hopSamples(hopMicros);
    // Live streams ramp up from the origin, as the assembler emits them.
    long first = timeline.firstGridOffsetSamples(hop, true);
    List<WindowTask> tasks = new ArrayList<>();
    for (long k = 0; timeline.micros(first + k * hop) < streamMicros; k++) {
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
    try (WindowFeaturizer featurizer = new WindowFeaturizer(engine,
        new PayloadFetcher(ReferencePolicy.defaults()), DecoderSettings.defaults())) {
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
}
