package io.foleystream.cli;

import io.foleystream.config.ConfigKeys;
import io.foleystream.config.FoleystreamConfig;
import io.foleystream.media.MediaException;
import io.foleystream.media.SegmenterSettings;
import io.foleystream.media.VideoSource;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.serde.SpecificAvroSerializer;
import io.foleystream.topology.client.VideoIngestor;
import io.foleystream.topology.records.Redaction;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Cuts a video source into chunks and writes them as VideoChunk events. */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Cut a video (file, URI, live source or the built-in test picture) into self-contained"
            + " MPEG-TS chunks and write them as VideoChunk records to the video topic.",
        "Ctrl-C or SIGTERM ends the source early: the chunk being cut is sent marked end of"
            + " stream and the producer is flushed before the process exits.",
        "Exit status: 0 done, 1 failed (broker or registry unreachable, unreadable source),"
            + " 2 bad usage or configuration."})
final class IngestCommand implements Callable<Integer> {

  /** Longest wait on a signal for the last chunk to be sent and the producer flushed. */
  private static final Duration SHUTDOWN_LIMIT = Duration.ofSeconds(30);

  @Spec
  CommandSpec spec;

  @Option(names = "--source", required = true, paramLabel = "SRC",
      description = "A file, a URI GStreamer opens (rtsp://, srt://, http://...), 'test' or"
          + " test:WIDTHxHEIGHT@FPS:SECONDS.")
  String source;

  @Option(names = "--stream-id", required = true, paramLabel = "ID",
      description = "Stream id: the record key.")
  String streamId;

  @Option(names = "--chunk-seconds", defaultValue = "2", paramLabel = "S",
      description = "Chunk length in seconds (default: ${DEFAULT-VALUE}).")
  double chunkSeconds;

  @Option(names = "--real-time",
      description = "Send each chunk no earlier than its end on the stream timeline (default:"
          + " as fast as possible; live sources pace themselves).")
  boolean realTime;

  @Option(names = "--save", paramLabel = "FILE.ts",
      description = "Also write the chunks back to back to this MPEG-TS file.")
  Path save;

  @Mixin
  KafkaOptions kafka;

  @Override
  public Integer call() throws IOException, MediaException, InterruptedException {
    VideoSource src = checkedSource();
    if (!(chunkSeconds > 0)) {
      throw new UsageException("--chunk-seconds " + chunkSeconds + ": give a positive length");
    }
    if (save != null) {
      Preflight.outputFile(save, "--save");
    }
    FoleystreamConfig config = kafka.load();
    String topic = config.required(ConfigKeys.TOPIC_VIDEO);
    ServiceCheck.requireAddresses(config);
    ClientLogging.quietUnless(FoleystreamCli.verbose(spec));
    ServiceCheck.requireBroker(config, ServiceCheck.DEFAULT_TIMEOUT, topic);
    ServiceCheck.requireRegistry(config, topic + "-value", ServiceCheck.DEFAULT_TIMEOUT);
    SegmenterSettings settings = new SegmenterSettings(Math.round(chunkSeconds * 1e6),
        SegmenterSettings.Reencode.AUTO, SegmenterSettings.defaults().bitrateKbps());
    AtomicReference<VideoIngestor> running = new AtomicReference<>();
    CountDownLatch finished = new CountDownLatch(1);
    Thread stopOnSignal = new Thread(() -> {
      VideoIngestor ingestor = running.get();
      if (ingestor != null) {
        ingestor.stop();
      }
      awaitQuietly(finished, SHUTDOWN_LIMIT);
    }, "foleystream-ingest-shutdown");
    Runtime.getRuntime().addShutdownHook(stopOnSignal);
    try (KafkaProducer<String, VideoChunk> producer = producer(config);
        OutputStream copy = save == null ? null : Files.newOutputStream(save)) {
      VideoIngestor ingestor = new VideoIngestor(producer, topic);
      running.set(ingestor);
      int sent = ingestor.ingest(src, streamId, settings,
          realTime ? VideoIngestor.Pace.REAL_TIME : VideoIngestor.Pace.FAST, copy,
          chunk -> {
            err().printf("chunk %d: %.2f s from %.2f s%s%n", chunk.getSequence(),
                chunk.getDurationMicros() / 1e6, chunk.getPtsStartMicros() / 1e6,
                chunk.getEndOfStream() ? " (end of stream)" : "");
            err().flush();
          });
      err().printf("%d chunk(s) of stream %s sent to %s%n", sent, streamId, topic);
      err().flush();
      return ExitCodes.OK;
    } finally {
      // The producer is closed (flushed) here; a signal's hook waits for this point.
      finished.countDown();
      removeHook(stopOnSignal);
    }
  }

  /** The source, checked: a {@code test:} spec must parse and a local file must exist. */
  private VideoSource checkedSource() {
    VideoSource src;
    try {
      src = VideoSource.parse(source);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--source " + source + ": " + e.getMessage()
          + " (test:WIDTHxHEIGHT@FPS:SECONDS, e.g. test:640x360@25:10)");
    }
    if (src instanceof VideoSource.Uri uri && uri.uri().startsWith("file:")) {
      Preflight.inputFile(Path.of(URI.create(uri.uri())), "--source");
    }
    return src;
  }

  private static void awaitQuietly(CountDownLatch latch, Duration limit) {
    try {
      latch.await(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is shutting down: the hook runs, and returns now that ingest has finished.
    }
  }

  /**
   * A producer of video chunks for a configuration.
   *
   * @param config the configuration (its pass-through keys configure the producer and serde)
   * @return the producer
   */
  static KafkaProducer<String, VideoChunk> producer(FoleystreamConfig config) {
    Map<String, Object> props = new HashMap<>();
    config.passThrough().forEach((k, v) -> {
      if (ProducerConfig.configNames().contains(k)) {
        props.put(k, v);
      }
    });
    props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
    props.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024);
    SpecificAvroSerializer<VideoChunk> serializer = new SpecificAvroSerializer<>();
    serializer.configure(config.passThrough(), false);
    return new KafkaProducer<>(props, new StringSerializer(), serializer);
  }

  private PrintWriter err() {
    return spec.commandLine().getErr();
  }
}
