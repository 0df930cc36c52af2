package io.foleystream.topology.generator;

import io.foleystream.inference.DecoderMargin;
import io.foleystream.inference.FoleyEngine;
import io.foleystream.inference.FrameFeatureCache;
import io.foleystream.inference.RuntimeOptions;
import io.foleystream.media.ChunkSegmenter;
import io.foleystream.media.DecoderSettings;
import io.foleystream.media.MediaChunk;
import io.foleystream.media.SegmenterSettings;
import io.foleystream.media.VideoSource;
import io.foleystream.schemas.GapPolicy;
import io.foleystream.schemas.GenerationSettings;
import io.foleystream.schemas.GeneratorState;
import io.foleystream.schemas.SampleEncoding;
import io.foleystream.schemas.VideoChunk;
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
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The model work of live mode against tumbling windows, per 8 s of stream: CLIP frames and
 * Synchformer segments encoded, engine time (feature extractors plus generation calls) and the
 * time spent decoding and sampling video, on
 * a generated clip cut into 2 s chunks, through the generation step with its feature cache. A
 * program, not a test: its figures are in docs/benchmarks.md.
 *
 * <pre>
 * java -cp ... io.foleystream.topology.generator.LiveModeBenchmark [model-set] [seconds] [hop-ms]
 *     [text-only]
 * </pre>
 *
 * <p>{@code text-only} leaves the video out and compares the generation calls alone (flow network,
 * VAE decoder, vocoder) per window, for sets whose video features would take hours on a CPU:
 * the features are the same frames and segments in both modes, so their time comes from the
 * per-stage benchmark instead.
 */
public final class LiveModeBenchmark {

  private LiveModeBenchmark() {}

  /**
   * Runs the comparison.
   *
   * @param args model set directory, stream seconds (default 24), live hop in ms (default 2000)
   * @throws Exception if the clip or the model fails
   */
  public static void main(String[] args) throws Exception {
    Path set = Path.of(args.length > 0 ? args[0] : "onnx-models/fixtures/tiny/model-set");
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 24;
    long hopMs = args.length > 2 ? Long.parseLong(args[2]) : 2000;
    List<MediaChunk> clip = new ArrayList<>();
    new ChunkSegmenter(new SegmenterSettings(2_000_000L, SegmenterSettings.Reencode.AUTO, 300))
        .run(new VideoSource.TestPattern(320, 240, 25, seconds * 1_000_000L, false), clip::add);
    if (args.length > 3 && args[3].equals("text-only")) {
      try (FoleyEngine engine = FoleyEngine.open(set, RuntimeOptions.defaults().withThreads(2, 1),
          false)) {
        // A first window pays for the sessions' first runs; it is not counted.
        run(engine, List.of(), 8, WindowMode.TUMBLING, 8_000, false);
        Result tumbling = run(engine, List.of(), seconds, WindowMode.TUMBLING, 8_000, false);
        Result live = run(engine, List.of(), seconds, WindowMode.LIVE, hopMs, false);
        double perWindowTumbling = tumbling.generationSeconds / tumbling.windows;
        double perWindowLive = live.generationSeconds / live.windows;
        int spf = engine.samplesPerLatentFrame();
        long hop = new StreamTimeline(WindowMode.LIVE, 0, engine.sampleRate(),
            engine.samplesPerWindow(), spf, DecoderMargin.defaultSamples(spf))
            .hopSamples(hopMs * 1000);
        double liveWindowsPer8 = 8.0 * engine.sampleRate() / hop;
        System.out.printf(Locale.ROOT, "generation per window: tumbling %.2f s (%d windows), live"
            + " %.2f s (%d windows); per 8 s in steady state: tumbling %.2f s, live %.2f s"
            + " (%.2f windows), %.2f x%n", perWindowTumbling, tumbling.windows, perWindowLive,
            live.windows, perWindowTumbling, perWindowLive * liveWindowsPer8, liveWindowsPer8,
            perWindowLive * liveWindowsPer8 / perWindowTumbling);
      }
      return;
    }
    try (FoleyEngine engine = FoleyEngine.open(set, RuntimeOptions.defaults().withThreads(2, 1))) {
      Result tumbling = run(engine, clip, seconds, WindowMode.TUMBLING, 8_000, false);
      Result live = run(engine, clip, seconds, WindowMode.LIVE, hopMs, false);
      Result ramp = run(engine, clip, seconds, WindowMode.LIVE, hopMs, true);
      double per8 = seconds / 8.0;
      System.out.printf(Locale.ROOT, "%-9s %7s %9s %9s %9s %9s %9s %10s%n", "mode", "windows",
          "clip/8s", "sync/8s", "feat s/8s", "gen s/8s", "engine/8s", "decode/8s");
      for (Result r : List.of(tumbling, live, ramp)) {
        System.out.printf(Locale.ROOT, "%-9s %7d %9.1f %9.1f %9.2f %9.2f %9.2f %10.2f%n",
            r.name, r.windows, r.clipFrames / per8, r.syncSegments / per8,
            r.featureSeconds / per8, r.generationSeconds / per8,
            (r.featureSeconds + r.generationSeconds) / per8, r.decodeSeconds / per8);
      }
      System.out.printf(Locale.ROOT, "live / tumbling: CLIP frames %.2f x, engine time %.2f x%n",
          live.clipFrames / (double) tumbling.clipFrames,
          (live.featureSeconds + live.generationSeconds)
              / (tumbling.featureSeconds + tumbling.generationSeconds));
      System.out.printf(Locale.ROOT, "live ramp-up / tumbling: CLIP frames %.2f x, engine time"
          + " %.2f x%n", ramp.clipFrames / (double) tumbling.clipFrames,
          (ramp.featureSeconds + ramp.generationSeconds)
              / (tumbling.featureSeconds + tumbling.generationSeconds));
    }
  }

  private record Result(String name, int windows, long clipFrames, long syncSegments,
      double featureSeconds, double generationSeconds, double decodeSeconds) {}

  /**
   * Generates a stream's windows one by one; without a clip, text-only windows that lie wholly
   * inside the stream's seconds.
   */
  private static Result run(FoleyEngine engine, List<MediaChunk> clip, int seconds,
      WindowMode mode, long hopMs, boolean rampUp) throws Exception {
    PipelineMetrics metrics = new PipelineMetrics(new SimpleMeterRegistry());
    int spf = engine.samplesPerLatentFrame();
    long margin = mode == WindowMode.LIVE ? DecoderMargin.defaultSamples(spf) : 0;
    long origin = clip.isEmpty() ? 0 : clip.get(0).startUs();
    long end = seconds * 1_000_000L;
    StreamTimeline timeline = new StreamTimeline(mode, origin, engine.sampleRate(),
        engine.samplesPerWindow(), spf, margin);
    long hop = timeline.hopSamples(hopMs * 1000);
    List<VideoChunk> chunks = new ArrayList<>();
    for (int i = 0; i < clip.size(); i++) {
      MediaChunk c = clip.get(i);
      chunks.add(VideoChunk.newBuilder().setStreamId("bench").setSequence(i)
          .setPtsStartMicros(c.startUs()).setDurationMicros(c.durationUs())
          .setMediaType("video/mp2t").setPayload(ByteBuffer.wrap(c.bytes()))
          .setEndOfStream(i == clip.size() - 1).build());
    }
    FrameFeatureCache cache = clip.isEmpty() ? null : new FrameFeatureCache(engine, 4L << 20);
    PayloadFetcher fetcher = new PayloadFetcher(ReferencePolicy.defaults());
    try (WindowFeaturizer featurizer = cache == null
        ? new WindowFeaturizer(engine, fetcher, DecoderSettings.defaults())
        : new WindowFeaturizer(engine, fetcher, DecoderSettings.defaults(), cache)) {
      WindowBatchGenerator step = new WindowBatchGenerator(engine, featurizer,
          new AudioChunker(SampleEncoding.PCM_F32LE, 250_000, 5_000, spf), metrics);
      Map<String, GeneratorState> states = new HashMap<>();
      int windows = 0;
      long first = timeline.firstGridOffsetSamples(hop, rampUp);
      for (long k = 0; timeline.micros(first + k * hop) < end; k++) {
        StreamTimeline.Window w = timeline.window(first + k * hop);
        long start = timeline.micros(w.startSamples());
        long windowEnd = timeline.micros(w.endSamples());
        if (clip.isEmpty() && windowEnd > end) {
          break;
        }
        List<VideoChunk> inWindow = chunks.stream().filter(c -> c.getPtsStartMicros()
            < windowEnd && c.getPtsStartMicros() + c.getDurationMicros() > start).toList();
        WindowTask task = WindowTask.newBuilder().setStreamId("bench").setWindowIndex(k)
            .setWindowStartMicros(start).setWindowDurationMicros(windowEnd - start)
            .setHopMicros(timeline.micros(w.endSamples() + hop) - windowEnd)
            .setGeneration(new GenerationSettings("", "", 42L, 25, 4.5, null, false))
            .setChunks(inWindow).setCoveredMicros(windowEnd - start)
            .setCompletion(WindowCompletion.COMPLETE).setGapPolicy(GapPolicy.NONE)
            .setGrid(new WindowGrid(mode, origin, w.startSamples(), hop, engine.sampleRate(),
                margin))
            .build();
        GenerationStep.Outcome outcome = step.generate(List.of(task),
            t -> states.get(t.getStreamId()), t -> false).get(0);
        if (outcome.stateUpdate() != null) {
          states.put("bench", outcome.stateUpdate().state());
        }
        windows++;
        if (outcome.audio().stream().anyMatch(a -> a.getEndOfStream())) {
          break;
        }
      }
      boolean cached = mode == WindowMode.LIVE && cache != null;
      long clipFrames = cached ? cache.clipFramesEncoded() : 64L * windows;
      long segments = cached ? cache.syncSegmentsEncoded() : 24L * windows;
      String name = mode.name().toLowerCase(Locale.ROOT) + (cached && rampUp ? "+ramp" : "");
      return new Result(name, windows, clipFrames, segments,
          metrics.stage(PipelineMetrics.Stage.FEATURES).totalTime(TimeUnit.SECONDS),
          metrics.generationCalls().totalTime(TimeUnit.SECONDS),
          metrics.stage(PipelineMetrics.Stage.DECODE).totalTime(TimeUnit.SECONDS));
    }
  }
}
