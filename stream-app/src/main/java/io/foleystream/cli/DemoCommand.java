package io.foleystream.cli;

import ch.qos.logback.classic.Level;
import io.foleystream.config.ConfigKeys;
import io.foleystream.config.FoleystreamConfig;
import io.foleystream.config.KeyCheck;
import io.foleystream.devstack.ApicurioRegistryServer;
import io.foleystream.devstack.EmbeddedKafkaBroker;
import io.foleystream.inference.ModelSet;
import io.foleystream.media.MediaException;
import io.foleystream.media.SegmenterSettings;
import io.foleystream.media.VideoSource;
import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.WindowMode;
import io.foleystream.topology.FoleystreamApp;
import io.foleystream.topology.client.AudioCollector;
import io.foleystream.topology.client.VideoIngestor;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Option;

/**
 * The end-to-end demo: an in-process Kafka broker and an Apicurio registry on loopback, the
 * application with a model set, a video ingested as chunks, and the results (video with the
 * generated audio track, WAV, report) in an output directory.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Run the whole pipeline locally: start an in-process Kafka broker and schema registry,"
            + " ingest a clip as video chunks, generate Foley audio window by window, and write"
            + " the video with its new audio track, the audio as WAV and a report.",
        "By default the clip is GStreamer's generated test picture and the model set is the"
            + " tiny untrained test set, whose audio is noise-like.",
        "Exit status: 0 done, 1 failed, 2 bad usage."})
final class DemoCommand implements Callable<Integer> {

  /** The committed test model set, relative to the repository root. */
  static final Path TINY_SET = Path.of("onnx-models", "fixtures", "tiny", "model-set");
  private static final String STREAM_ID = "demo";
  /** Two-second chunks; 1 Mbit/s is plenty for the 640 x 360 test picture. */
  private static final SegmenterSettings CHUNKS = new SegmenterSettings(2_000_000L,
      SegmenterSettings.Reencode.AUTO, 1000);

  @Option(names = "--video", paramLabel = "FILE",
      description = "Video file to use instead of the generated clip.")
  Path video;

  @Option(names = "--models", paramLabel = "SETDIR",
      description = "Model set directory (default: the tiny test set).")
  Path models;

  @Option(names = "--out", defaultValue = "foleystream-out", paramLabel = "DIR",
      description = "Output directory (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--seconds", defaultValue = "16", paramLabel = "S",
      description = "Length of the generated clip (default: ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--prompt", defaultValue = "", paramLabel = "TEXT",
      description = "Prompt (default: none, video only).")
  String prompt;

  @Option(names = "--steps", paramLabel = "N", description = "Euler steps (default: the set's).")
  Integer steps;

  @Option(names = "--mode", defaultValue = "TUMBLING", paramLabel = "MODE",
      description = "TUMBLING (each window on its own, the official path) or LIVE (windows"
          + " continue each other; the newest audio about one hop after its video). LIVE ingests"
          + " the clip in real time (default: ${DEFAULT-VALUE}).")
  WindowMode mode;

  @Option(names = "--hop-ms", paramLabel = "MS",
      description = "Distance between window starts (default: the window length; LIVE: 2000).")
  Long hopMs;

  @Option(names = "--real-time", description = "Ingest the clip at its own pace, as a live"
      + " source would (always on in LIVE mode).")
  boolean realTime;

  @Option(names = "--timeout", defaultValue = "900", paramLabel = "S",
      description = "Longest wait for the audio, seconds (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Spec
  CommandSpec spec;

  @Option(names = "--live", description = "Ingest in real time and serve a page on loopback"
      + " that plays the stream with its Foley (live HLS) while it is generated.")
  boolean live;

  @Option(names = "--port", defaultValue = "8090", paramLabel = "PORT",
      description = "Port of the live page on 127.0.0.1 (default: ${DEFAULT-VALUE}; 0: any).")
  int port;

  @Option(names = "--linger", defaultValue = "60", paramLabel = "S",
      description = "With --live, keep serving the page this long after the stream ended"
          + " (default: ${DEFAULT-VALUE}).")
  long lingerSeconds;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Set any other configuration key (repeatable), as with run: the live ramp-up,"
          + " the decoder threads, the batch and deadline policies. Keys the options above set,"
          + " and the demo's own broker, registry and state directory, are refused.")
  Map<String, String> extraSettings = new LinkedHashMap<>();

  /**
   * Keys the demo decides itself, with what to use instead: its options, or nothing (it runs its
   * own broker, registry and state directory, and its window is the model set's).
   */
  private static final Map<String, String> OWN_KEYS = Map.of(
      "bootstrap.servers", "the demo runs its own broker (run connects to yours)",
      "schema.registry.url", "the demo runs its own registry (run connects to yours)",
      "state.dir", "the demo keeps its state under --out",
      ConfigKeys.MODELS.name(), "use --models",
      ConfigKeys.PROMPT.name(), "use --prompt",
      ConfigKeys.STEPS.name(), "use --steps",
      ConfigKeys.WINDOW_MODE.name(), "use --mode",
      ConfigKeys.WINDOW_HOP_MS.name(), "use --hop-ms",
      ConfigKeys.WINDOW_DURATION_MS.name(), "the demo's window is the model set's");

  private final PrintStream console = System.out;

  /**
   * The demo's settings with the {@code --set} entries added, checked before anything starts.
   *
   * @param own what the demo sets
   * @param extra the {@code --set} entries
   * @return both, in one map
   * @throws UsageException for a key the demo decides itself
   * @throws io.foleystream.config.ConfigException for a misspelt application key
   */
  static Map<String, String> withExtraSettings(Map<String, String> own,
      Map<String, String> extra) {
    for (String key : extra.keySet()) {
      String instead = OWN_KEYS.get(key);
      if (instead != null) {
        throw new UsageException("--set " + key + ": " + instead);
      }
    }
    Map<String, String> all = new HashMap<>(own);
    all.putAll(extra);
    KeyCheck.requireKnown(FoleystreamConfig.of(all), Map.of());
    return all;
  }

  @Override
  public Integer call() throws Exception {
    withExtraSettings(Map.of(), extraSettings);
    Path setDir = models != null ? Preflight.modelSet(models, "--models") : findTinySet();
    if (setDir == null) {
      throw new UsageException("cannot find the tiny model set (" + TINY_SET + "); run from the"
          + " repository root or pass --models");
    }
    if (video != null) {
      Preflight.inputFile(video, "--video");
    } else if (!(seconds > 0)) {
      throw new UsageException("--seconds " + seconds + ": give a positive length");
    }
    Preflight.outputDirectory(out, "--out");
    if (!FoleystreamCli.verbose(spec)) {
      ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(
          org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
      ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("org.apache.kafka"))
          .setLevel(Level.ERROR);
    }
    long t0 = System.nanoTime();
    ModelSet set = ModelSet.open(setDir, loadProgress());
    boolean untrained = !"official".equals(set.manifest().weights());
    step("model set %s: %s, %d Hz, %.0f s windows, %s weights", setDir,
        set.manifest().variant(), set.manifest().sampleRate(), set.manifest().durationS(),
        set.manifest().weights());
    if (untrained) {
      console.println("  NOTE: this is an untrained test set (random weights): the pipeline runs"
          + " exactly as with real models, but the audio is noise-like. Pass --models with an"
          + " exported MMAudio set for real Foley.");
    }
    Files.createDirectories(out);
    Path stateDir = Files.createDirectories(out.resolve(".state"));
    step("starting an in-process Kafka broker and the Apicurio schema registry...");
    CompletableFuture<ApicurioRegistryServer> registryStart =
        CompletableFuture.supplyAsync(ApicurioRegistryServer::start);
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start();
        ApicurioRegistryServer registry = registryStart.join()) {
      step("  broker on %s, registry on %s (%.1f s)", broker.bootstrapServers(),
          registry.confluentApiUrl(), seconds(t0));
      Map<String, String> values = new HashMap<>();
      values.put("bootstrap.servers", broker.bootstrapServers());
      values.put("schema.registry.url", registry.confluentApiUrl());
      values.put("state.dir", stateDir.toString());
      values.put(ConfigKeys.MODELS.name(), setDir.toString());
      values.put(ConfigKeys.HTTP_PORT.name(), "0");
      values.put(ConfigKeys.HTTP_HOST.name(), "127.0.0.1");
      values.put(ConfigKeys.TOPIC_PARTITIONS.name(), "1");
      values.put(ConfigKeys.WINDOW_DURATION_MS.name(),
          String.valueOf(Math.round(set.manifest().durationS() * 1000)));
      values.put(ConfigKeys.PROMPT.name(), prompt);
      values.put(ConfigKeys.WINDOW_MODE.name(), mode.name());
      values.put(ConfigKeys.WINDOW_HOP_MS.name(), String.valueOf(hopMs()));
      values.put(ConfigKeys.INSTANCE_ID.name(), "demo");
      if (steps != null) {
        values.put(ConfigKeys.STEPS.name(), String.valueOf(steps));
      }
      FoleystreamConfig config = FoleystreamConfig.of(withExtraSettings(values, extraSettings));
      try (FoleystreamApp app = FoleystreamApp.start(config, loadProgress())) {
        step("application running: assembler and generator, metrics on"
            + " http://127.0.0.1:%d/metrics", app.httpPort());
        return runPipeline(config, app, set, untrained, t0);
      }
    } finally {
      deleteRecursively(stateDir);
    }
  }

  private int runPipeline(FoleystreamConfig config, FoleystreamApp app, ModelSet set,
      boolean untrained, long t0)
      throws IOException, MediaException, InterruptedException, TimeoutException {
    VideoSource source = video != null ? VideoSource.parse(video.toString())
        : new VideoSource.TestPattern(640, 360, 25, Math.round(seconds * 1e6), false);
    Path input = video != null ? video : out.resolve("input.ts");
    LiveDemo liveDemo = live ? LiveDemo.start(config, STREAM_ID, out.resolve("live"), port,
        console) : null;
    try {
      return ingestAndCollect(config, app, set, untrained, t0, source, input, liveDemo);
    } finally {
      if (liveDemo != null) {
        liveDemo.close();
      }
    }
  }

  private int ingestAndCollect(FoleystreamConfig config, FoleystreamApp app, ModelSet set,
      boolean untrained, long t0, VideoSource source, Path input, LiveDemo liveDemo)
      throws IOException, MediaException, InterruptedException, TimeoutException {
    step("ingesting %s as 2 s chunks...", video != null ? video : String.format(Locale.ROOT,
        "a %.0f s generated clip (640x360, 25 fps)", seconds));
    long[] firstStart = {Long.MIN_VALUE};
    AtomicInteger chunks = new AtomicInteger();
    long ingestStart = System.nanoTime();
    try (KafkaProducer<String, VideoChunk> producer = IngestCommand.producer(config);
        OutputStream copy = video != null ? null : Files.newOutputStream(input)) {
      new VideoIngestor(producer, config.required(ConfigKeys.TOPIC_VIDEO)).ingest(source,
          STREAM_ID, CHUNKS, realTime || mode == WindowMode.LIVE || liveDemo != null
              ? VideoIngestor.Pace.REAL_TIME
              : VideoIngestor.Pace.FAST, copy, chunk -> {
            if (firstStart[0] == Long.MIN_VALUE) {
              firstStart[0] = chunk.getPtsStartMicros();
            }
            chunks.incrementAndGet();
            console.printf(Locale.ROOT, "  chunk %d: %.2f-%.2f s%s%n", chunk.getSequence(),
                chunk.getPtsStartMicros() / 1e6,
                (chunk.getPtsStartMicros() + chunk.getDurationMicros()) / 1e6,
                chunk.getEndOfStream() ? " (end of stream)" : "");
          });
    }
    step("generating audio window by window...");
    List<AudioChunk> audio;
    try (KafkaConsumer<String, AudioChunk> consumer = MuxCommand.consumer(config)) {
      audio = new AudioCollector(consumer, config.required(ConfigKeys.TOPIC_AUDIO)).collect(
          STREAM_ID, Duration.ofSeconds(timeoutSeconds), window -> console.printf(Locale.ROOT,
              "  window %d: %.2f-%.2f s, %d audio chunk(s) (%.1f s since ingest began)%n",
              window.get(0).getWindowIndex(), window.get(0).getPtsStartMicros() / 1e6,
              last(window) / 1e6, window.size(), seconds(ingestStart)));
    }
    double pipelineSeconds = seconds(ingestStart);
    step("writing the results to %s...", out.toAbsolutePath());
    Path wav = out.resolve("foley.wav");
    Path muxed = out.resolve("video-with-foley.mp4");
    MuxCommand.write(audio, input, video != null ? 0 : firstStart[0], muxed, wav);
    String report = DemoReport.render(set, untrained, video != null ? video.toString()
        : "generated test picture, " + seconds + " s", chunks.get(), audio, app,
        pipelineSeconds, new DemoReport.Mode(mode, hopMs(), STREAM_ID));
    Files.writeString(out.resolve("report.txt"), report);
    console.println();
    console.print(report);
    console.println();
    step("done in %.1f s: %s, %s, %s", seconds(t0), muxed, wav, out.resolve("report.txt"));
    if (liveDemo != null) {
      if (!liveDemo.awaitEnd(Duration.ofMinutes(2))) {
        System.err.println("foleystream demo: the live output did not end");
        return 1;
      }
      step("the stream ended; still serving %s for %d s (Ctrl-C to stop)", liveDemo.url(),
          lingerSeconds);
      Thread.sleep(lingerSeconds * 1000);
    }
    return 0;
  }

  /** The hop asked for: the option, else the window (tumbling) or two seconds (live). */
  private long hopMs() {
    if (hopMs != null) {
      return hopMs;
    }
    return mode == WindowMode.LIVE ? 2000 : Math.round(ModelSet.open(models != null ? models
        : findTinySet()).manifest().durationS() * 1000);
  }

  /** A fresh bar for each time the set is verified: here, and again as the generator starts. */
  private ModelLoadProgress loadProgress() {
    return ModelLoadProgress.forConsole(spec.commandLine().getErr(), true);
  }

  private static long last(List<AudioChunk> window) {
    AudioChunk c = window.get(window.size() - 1);
    return c.getPtsStartMicros() + c.getDurationMicros();
  }

  /** The tiny set beside the working directory or beside the application's jar. */
  static Path findTinySet() {
    if (Files.isDirectory(TINY_SET)) {
      return TINY_SET;
    }
    try {
      Path jar = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation()
          .toURI());
      for (Path dir = jar.getParent(); dir != null; dir = dir.getParent()) {
        if (Files.isDirectory(dir.resolve(TINY_SET))) {
          return dir.resolve(TINY_SET);
        }
      }
    } catch (URISyntaxException | SecurityException e) {
      return null;
    }
    return null;
  }

  private void step(String format, Object... args) {
    console.println("foleystream demo: " + String.format(Locale.ROOT, format, args));
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static void deleteRecursively(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e.getMessage());
    }
  }
}
