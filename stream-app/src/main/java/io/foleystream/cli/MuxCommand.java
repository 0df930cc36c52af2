package io.foleystream.cli;

import io.foleystream.config.ConfigKeys;
import io.foleystream.config.FoleystreamConfig;
import io.foleystream.media.AudioBlock;
import io.foleystream.media.AudioFileWriter;
import io.foleystream.media.AudioVideoMuxer;
import io.foleystream.media.MediaException;
import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.serde.SpecificAvroDeserializer;
import io.foleystream.topology.client.AudioCollector;
import io.foleystream.topology.records.Redaction;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Reads a stream's generated audio and writes the video with it. */
@Command(
    name = "mux",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Read a stream's audio chunks (read_committed) until its last window, then write the"
            + " original video with the generated audio track (MP4 or MPEG-TS) and/or a WAV.",
        "With --live, follow the stream's video and audio chunks as they come and write live"
            + " HLS (copied video, AAC audio, rolling playlist) a fixed delay behind the video.",
        "Exit status: 0 done, 1 failed or timed out (broker or registry unreachable, audio"
            + " incomplete), 2 bad usage or configuration."})
final class MuxCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--stream-id", required = true, paramLabel = "ID", description = "Stream id.")
  String streamId;

  @Option(names = "--video", paramLabel = "FILE",
      description = "The stream's original video (needed for --out).")
  Path video;

  @Option(names = "--video-start-us", defaultValue = "0", paramLabel = "US",
      description = "Stream time of the video's first frame, microseconds (default:"
          + " ${DEFAULT-VALUE}, as ingest gives files).")
  long videoStartUs;

  @Option(names = "--out", paramLabel = "OUT.mp4|OUT.ts",
      description = "Video with the generated audio: .mp4 or .ts (MPEG-TS).")
  Path out;

  @Option(names = "--wav", paramLabel = "OUT.wav", description = "The generated audio alone.")
  Path wav;

  @Option(names = "--timeout", defaultValue = "600", paramLabel = "S",
      description = "Longest wait for the stream's audio, seconds (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Option(names = "--live", description = "Write live HLS into --hls-dir while the stream runs.")
  boolean live;

  @Option(names = "--hls-dir", paramLabel = "DIR",
      description = "Directory of the live playlist (playlist.m3u8) and its segments.")
  Path hlsDir;

  @Option(names = "--delay-ms", paramLabel = "MS",
      description = "Live output delay behind the video (default: foleystream.output.live"
          + ".delay.ms, 12000: one 8 s window plus processing).")
  Long delayMs;

  @Option(names = "--no-progress", description = "Do not draw the progress bar of the wait"
      + " (the line of each completed window stays).")
  boolean noProgress;

  @Mixin
  KafkaOptions kafka;

  @Override
  public Integer call() throws TimeoutException, MediaException {
    if (live) {
      return callLive();
    }
    checkArguments();
    FoleystreamConfig config = kafka.load();
    String topic = config.required(ConfigKeys.TOPIC_AUDIO);
    ServiceCheck.requireAddresses(config);
    ClientLogging.quietUnless(FoleystreamCli.verbose(spec));
    Duration check = Duration.ofSeconds(Math.min(timeoutSeconds,
        ServiceCheck.DEFAULT_TIMEOUT.toSeconds()));
    ServiceCheck.requireBroker(config, check, topic);
    ServiceCheck.requireRegistry(config, topic + "-value", check);
    err().printf(Locale.ROOT, "waiting for the audio of stream %s on %s (up to %d s)...%n",
        streamId, topic, timeoutSeconds);
    err().flush();
    try (KafkaConsumer<String, AudioChunk> consumer = consumer(config)) {
      List<AudioChunk> chunks = collect(consumer, topic, streamId,
          Duration.ofSeconds(timeoutSeconds), AudioWaitProgress.forConsole(err(), !noProgress));
      write(chunks, video, videoStartUs, out, wav);
      return ExitCodes.OK;
    }
  }

  /**
   * Collects a stream's audio, showing the wait.
   *
   * @param consumer a read_committed consumer
   * @param topic the audio topic
   * @param streamId the stream
   * @param timeout the longest wait
   * @param display where the wait is shown
   * @return the chunks in time order
   * @throws TimeoutException if the stream is not complete in time
   */
  static List<AudioChunk> collect(org.apache.kafka.clients.consumer.Consumer<String,
      AudioChunk> consumer, String topic, String streamId, Duration timeout,
      AudioWaitProgress display) throws TimeoutException {
    try {
      return new AudioCollector(consumer, topic).collect(streamId, timeout, display::windowDone,
          display::update);
    } finally {
      display.finish();
    }
  }

  /** Every option, before the stream is read (which may take minutes). */
  private void checkArguments() {
    if (out == null && wav == null) {
      throw new UsageException("give --out, --wav or both");
    }
    if (out != null && video == null) {
      throw new UsageException("--out needs --video: the stream's original video file");
    }
    if (timeoutSeconds < 1) {
      throw new UsageException("--timeout " + timeoutSeconds + ": give at least 1 second");
    }
    if (video != null) {
      Preflight.inputFile(video, "--video");
    }
    if (out != null) {
      try {
        WaveformOutput.containerFor(out);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--out " + out + ": expected a .mp4 or .ts file name");
      }
      Preflight.outputFile(out, "--out");
    }
    if (wav != null) {
      try {
        AudioFileWriter.Format.forFile(wav);
      } catch (IllegalArgumentException e) {
        throw new UsageException("--wav " + wav + ": expected a .wav or .flac file name");
      }
      Preflight.outputFile(wav, "--wav");
    }
  }

  private int callLive() {
    if (hlsDir == null) {
      err().println("foleystream mux: --live needs --hls-dir");
      return 2;
    }
    FoleystreamConfig config = kafka.load();
    if (delayMs != null) {
      config = config.with(Map.of(ConfigKeys.LIVE_DELAY_MS.name(), String.valueOf(delayMs)));
    }
    LiveMux mux = new LiveMux(config, streamId, hlsDir);
    Thread hook = new Thread(() -> mux.stopAndAwait(Duration.ofSeconds(30)), "live-mux-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      err().printf(Locale.ROOT, "live: following %s, %.1f s behind the video, playlist %s%n",
          streamId, mux.delay().toMillis() / 1e3, mux.playlist());
      mux.run(err());
      return 0;
    } catch (MediaException e) {
      err().println("foleystream mux: " + Redaction.redact(e.getMessage()));
      return 1;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // The JVM is already shutting down: the hook is running.
      }
    }
  }

  /** Writes the WAV and the muxed video of a stream's audio chunks. */
  static void write(List<AudioChunk> chunks, Path video, long videoStartUs, Path out, Path wav)
      throws MediaException {
    AudioBlock audio = AudioCollector.concatenate(chunks);
    if (wav != null) {
      AudioFileWriter.write(wav, List.of(audio));
    }
    if (out != null) {
      new AudioVideoMuxer(WaveformOutput.containerFor(out), AudioVideoMuxer.AudioCodec.AAC).mux(video, videoStartUs,
          List.of(audio), out);
    }
  }

  /**
   * A read_committed consumer of audio chunks, without a consumer group.
   *
   * @param config the configuration
   * @return the consumer
   */
  static KafkaConsumer<String, AudioChunk> consumer(FoleystreamConfig config) {
    Map<String, Object> props = new HashMap<>();
    config.passThrough().forEach((k, v) -> {
      if (ConsumerConfig.configNames().contains(k) && !k.equals(ConsumerConfig.GROUP_ID_CONFIG)) {
        props.put(k, v);
      }
    });
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    SpecificAvroDeserializer<AudioChunk> deserializer =
        new SpecificAvroDeserializer<>(AudioChunk.class);
    deserializer.configure(config.passThrough(), false);
    return new KafkaConsumer<>(props, new StringDeserializer(), deserializer);
  }

  private PrintWriter err() {
    return spec.commandLine().getErr();
  }
}
