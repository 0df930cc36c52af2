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
        "Exit status: 0 done, 1 failed or timed out."})
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

  @Mixin
  KafkaOptions kafka;

  @Override
  public Integer call() {
    if (out == null && wav == null) {
      err().println("foleystream mux: give --out, --wav or both");
      return 2;
    }
    if (out != null && video == null) {
      err().println("foleystream mux: --out needs --video");
      return 2;
    }
    FoleystreamConfig config = kafka.load();
    try (KafkaConsumer<String, AudioChunk> consumer = consumer(config)) {
      List<AudioChunk> chunks = new AudioCollector(consumer,
          config.required(ConfigKeys.TOPIC_AUDIO)).collect(streamId,
              Duration.ofSeconds(timeoutSeconds), window -> err().printf(Locale.ROOT,
                  "window %d: %d chunk(s)%n", window.get(0).getWindowIndex(), window.size()));
      write(chunks, video, videoStartUs, out, wav);
      return 0;
    } catch (TimeoutException | MediaException e) {
      err().println("foleystream mux: " + Redaction.redact(e.getMessage()));
      return 1;
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
      AudioVideoMuxer.Container container = out.getFileName().toString().toLowerCase(Locale.ROOT)
          .endsWith(".ts") ? AudioVideoMuxer.Container.MPEG_TS : AudioVideoMuxer.Container.MP4;
      new AudioVideoMuxer(container, AudioVideoMuxer.AudioCodec.AAC).mux(video, videoStartUs,
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
