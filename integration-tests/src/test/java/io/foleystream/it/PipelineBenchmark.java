package io.foleystream.it;

import io.foleystream.config.ConfigKeys;
import io.foleystream.devstack.ApicurioRegistryServer;
import io.foleystream.devstack.EmbeddedKafkaBroker;
import io.foleystream.media.ChunkSegmenter;
import io.foleystream.media.MediaChunk;
import io.foleystream.media.SegmenterSettings;
import io.foleystream.media.VideoSource;
import io.foleystream.schemas.AudioChunk;
import io.foleystream.topology.FoleystreamApp;
import io.foleystream.topology.operations.PipelineMetrics;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * The streaming benchmark of docs/benchmarks.md (a program, not a test): per-stage latency of
 * one stream ingested in real time, and throughput of four streams ingested at once with one and
 * with two instances, on the tiny model set at its 25 steps and 640 x 360 test video.
 *
 * <pre>
 * mvn -q -pl stream-app -am install -DskipTests &amp;&amp; mvn -q -pl integration-tests test-compile
 * java -Dfoleystream.registry.home=stream-app/target/apicurio-registry \
 *   -cp stream-app/target/foleystream.jar:integration-tests/target/test-classes \
 *   io.foleystream.it.PipelineBenchmark
 * </pre>
 *
 * Run from the repository root: the model set path is relative to the integration-tests module,
 * so the program changes its view with {@code -Dbench.models=...} if needed. {@code
 * -Dbench.seconds=N} sets each stream's length (24 by default), {@code -Dbench.throughputOnly=true}
 * leaves out the latency run.
 */
public final class PipelineBenchmark {

  private static final long S = 1_000_000L;
  /** Length of each stream's clip (-Dbench.seconds, default 24). */
  private static final long SECONDS = Long.getLong("bench.seconds", 24);

  private PipelineBenchmark() {}

  /**
   * Runs the benchmark and prints the numbers.
   *
   * @param args none
   * @throws Exception if the stack cannot start
   */
  public static void main(String[] args) throws Exception {
    String models = System.getProperty("bench.models", "onnx-models/fixtures/tiny/model-set");
    List<MediaChunk> clip = new ArrayList<>();
    new ChunkSegmenter(new SegmenterSettings(2 * S, SegmenterSettings.Reencode.AUTO, 1000))
        .run(new VideoSource.TestPattern(640, 360, 25, SECONDS * S, false), clip::add);
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        ApicurioRegistryServer registry = ApicurioRegistryServer.start()) {
      if (!Boolean.getBoolean("bench.throughputOnly")) {
        latency(broker, registry, clip, models);
      }
      throughput(broker, registry, clip, models, 1, false);
      throughput(broker, registry, clip, models, 1, true);
      throughput(broker, registry, clip, models, 2, true);
    }
    System.exit(0);
  }

  private static Map<String, String> settings(String models, String instance) {
    return settings(models, instance, true);
  }

  private static Map<String, String> settings(String models, String instance,
      boolean prefetch) {
    return Map.of(ConfigKeys.MODELS.name(), models, ConfigKeys.INSTANCE_ID.name(), instance,
        ConfigKeys.STEPS.name(), "25", ConfigKeys.THREADS.name(), "0",
        ConfigKeys.PREFETCH.name(), String.valueOf(prefetch));
  }

  /** One stream in real time: what each stage adds to a window's latency. */
  private static void latency(EmbeddedKafkaBroker broker, ApicurioRegistryServer registry,
      List<MediaChunk> clip, String models) throws Exception {
    PipelineHarness h = new PipelineHarness(broker, registry, "bench-latency");
    try (FoleystreamApp app = FoleystreamApp.start(h.config(PipelineHarness.tempDir("bench"),
        1, 25, settings(models, "latency")));
        KafkaProducer<String, byte[]> producer = h.rawProducer()) {
      long start = System.nanoTime();
      for (int n = 0; n < clip.size(); n++) {
        long due = start + (clip.get(n).endUs() - clip.get(0).startUs()) * 1000;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000);
        }
        h.sendChunks(producer, "live", clip, n, n + 1);
      }
      h.audio(List.of("live"), Duration.ofMinutes(10));
      System.out.printf(Locale.ROOT, "latency: 1 stream of %d s in real time, 1 instance%n",
          SECONDS);
      print(List.of(app));
    }
  }

  /**
   * Four streams at once: windows per second with this many instances, with the media work
   * overlapping generation or not, and how busy the engine was.
   */
  private static void throughput(EmbeddedKafkaBroker broker, ApicurioRegistryServer registry,
      List<MediaChunk> clip, String models, int instances, boolean prefetch) throws Exception {
    PipelineHarness h = new PipelineHarness(broker, registry, "bench-" + instances + "-"
        + prefetch);
    List<FoleystreamApp> apps = new ArrayList<>();
    try (KafkaProducer<String, byte[]> producer = h.rawProducer()) {
      for (int i = 0; i < instances; i++) {
        apps.add(FoleystreamApp.start(h.config(PipelineHarness.tempDir("bench"), 4, 25,
            settings(models, "throughput-" + i, prefetch))));
      }
      while (!apps.stream().allMatch(a -> a.health().ready())) {
        Thread.sleep(100);
      }
      List<String> streams = List.of("s0", "s1", "s2", "s3");
      long start = System.nanoTime();
      for (String stream : streams) {
        h.sendChunks(producer, stream, clip, 0, clip.size());
      }
      List<AudioChunk> audio = h.audio(streams, Duration.ofMinutes(15));
      double seconds = (System.nanoTime() - start) / 1e9;
      double audioSeconds = audio.stream().mapToLong(AudioChunk::getDurationMicros).sum() / 1e6;
      long windows = audio.stream().map(a -> a.getStreamId() + "#" + a.getWindowIndex())
          .distinct().count();
      double generating = 0;
      double featurizing = 0;
      for (FoleystreamApp app : apps) {
        generating += app.metrics().generationCalls().totalTime(TimeUnit.SECONDS);
        featurizing += app.metrics().stage(PipelineMetrics.Stage.FEATURES)
            .totalTime(TimeUnit.SECONDS);
      }
      System.out.printf(Locale.ROOT, "throughput: %d instance(s), prefetch %s, 4 streams x %d s:"
          + " %d windows in %.1f s = %.3f windows/s, %.2f s of audio per second; engine busy"
          + " %.0f %% of the time per instance (generation calls %.0f %%, feature extractors"
          + " %.0f %%)%n", instances, prefetch ? "on" : "off", SECONDS, windows, seconds,
          windows / seconds, audioSeconds / seconds,
          100 * (generating + featurizing) / (seconds * instances),
          100 * generating / (seconds * instances), 100 * featurizing / (seconds * instances));
      print(apps);
    } finally {
      apps.forEach(FoleystreamApp::close);
    }
  }

  private static void print(List<FoleystreamApp> apps) {
    for (PipelineMetrics.Stage stage : PipelineMetrics.Stage.values()) {
      long count = 0;
      double total = 0;
      double max = 0;
      for (FoleystreamApp app : apps) {
        Timer t = app.metrics().stage(stage);
        count += t.count();
        total += t.totalTime(TimeUnit.MILLISECONDS);
        max = Math.max(max, t.max(TimeUnit.MILLISECONDS));
      }
      System.out.printf(Locale.ROOT, "  %-12s n=%3d mean %8.1f ms  max %8.1f ms%n", stage.tag(),
          count, count == 0 ? 0 : total / count, max);
    }
  }
}
