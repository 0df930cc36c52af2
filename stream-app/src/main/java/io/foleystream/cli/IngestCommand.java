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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
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
        "Exit status: 0 done, 1 failed."})
final class IngestCommand implements Callable<Integer> {

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
  public Integer call() throws IOException {
    FoleystreamConfig config = kafka.load();
    String topic = config.required(ConfigKeys.TOPIC_VIDEO);
    VideoSource src = VideoSource.parse(source);
    SegmenterSettings settings = new SegmenterSettings(Math.round(chunkSeconds * 1e6),
        SegmenterSettings.Reencode.AUTO, SegmenterSettings.defaults().bitrateKbps());
    try (KafkaProducer<String, VideoChunk> producer = producer(config);
        OutputStream copy = save == null ? null : Files.newOutputStream(save)) {
      int sent = new VideoIngestor(producer, topic).ingest(src, streamId, settings,
          realTime ? VideoIngestor.Pace.REAL_TIME : VideoIngestor.Pace.FAST, copy,
          chunk -> err().printf("chunk %d: %.2f s from %.2f s%s%n", chunk.getSequence(),
              chunk.getDurationMicros() / 1e6, chunk.getPtsStartMicros() / 1e6,
              chunk.getEndOfStream() ? " (end of stream)" : ""));
      err().printf("%d chunk(s) of stream %s sent to %s%n", sent, streamId, topic);
      return 0;
    } catch (MediaException e) {
      err().println("foleystream ingest: " + Redaction.redact(e.getMessage()));
      return 1;
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
