package io.foleystream.cli;

import io.foleystream.config.ConfigKeys;
import io.foleystream.config.FoleystreamConfig;
import io.foleystream.media.HlsSettings;
import io.foleystream.media.LiveHlsWriter;
import io.foleystream.media.MediaException;
import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.serde.SpecificAvroDeserializer;
import io.foleystream.topology.client.LiveStreamFollower;
import io.foleystream.topology.records.PayloadFetcher;
import io.foleystream.topology.records.ReferencePolicy;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The live output of one stream: follows its video and audio chunks and writes HLS into a
 * directory, a configured delay behind the video, until the stream ends or {@link #stop} is
 * called. Shared by {@code mux --live} and {@code demo --live}.
 */
final class LiveMux {

  private final FoleystreamConfig config;
  private final String streamId;
  private final HlsSettings settings;
  private final Duration delay;
  private volatile LiveStreamFollower follower;
  private volatile boolean stopped;
  private final CountDownLatch finished = new CountDownLatch(1);

  /**
   * @param config the configuration (Kafka, registry and the {@code foleystream.output.*} keys)
   * @param streamId the stream to follow
   * @param directory where the playlist and segments go
   */
  LiveMux(FoleystreamConfig config, String streamId, Path directory) {
    this.config = config;
    this.streamId = streamId;
    this.settings = new HlsSettings(directory,
        config.intValue(ConfigKeys.HLS_SEGMENT_SECONDS),
        config.intValue(ConfigKeys.HLS_PLAYLIST_LENGTH),
        config.intValue(ConfigKeys.HLS_KEPT_SEGMENTS),
        config.optionalDouble(ConfigKeys.ORIGINAL_AUDIO_GAIN));
    this.delay = Duration.ofMillis(config.longValue(ConfigKeys.LIVE_DELAY_MS));
  }

  /**
   * The delay behind the video.
   *
   * @return the configured delay
   */
  Duration delay() {
    return delay;
  }

  /**
   * The playlist written.
   *
   * @return its path
   */
  Path playlist() {
    return settings.playlist();
  }

  /**
   * Follows the stream until it ends or {@link #stop} is called, then ends the playlist.
   *
   * @param log where each chunk's progress and the summary go
   * @return what was done
   * @throws MediaException if the output cannot be written
   */
  LiveStreamFollower.Stats run(PrintWriter log) throws MediaException {
    try {
      return follow(log);
    } finally {
      finished.countDown();
    }
  }

  private LiveStreamFollower.Stats follow(PrintWriter log) throws MediaException {
    try (KafkaConsumer<String, VideoChunk> video = consumer(config, VideoChunk.class);
        KafkaConsumer<String, AudioChunk> audio = consumer(config, AudioChunk.class);
        LiveHlsWriter writer = new LiveHlsWriter(settings)) {
      follower = new LiveStreamFollower(video, audio, config.required(ConfigKeys.TOPIC_VIDEO),
          config.required(ConfigKeys.TOPIC_AUDIO), delay,
          new PayloadFetcher(ReferencePolicy.from(config, Long.MAX_VALUE)));
      if (stopped) {
        follower.stop();
      }
      LiveStreamFollower.Stats stats = follower.follow(streamId, writer::write,
          (chunk, span) -> log.printf(Locale.ROOT, "live: %.2f-%.2f s out%s%n",
              chunk.getPtsStartMicros() / 1e6,
              (chunk.getPtsStartMicros() + chunk.getDurationMicros()) / 1e6,
              span.incomplete() ? String.format(Locale.ROOT, " (%.2f s of audio late: silence)",
                  (double) span.missingFrames() / span.audio().sampleRate()) : ""));
      log.printf(Locale.ROOT, "live: %d chunk(s) written to %s, %d with silence for late audio"
          + " (%.2f s), %d late audio chunk(s), %d video chunk(s) skipped%s%n", stats.chunks(),
          settings.playlist(), stats.chunksWithSilence(), stats.silentSeconds(),
          stats.lateAudioChunks(), stats.skippedVideoChunks(),
          stats.ended() ? "; the stream ended" : "");
      log.flush();
      return stats;
    }
  }

  /** Ends {@link #run} after the chunk being written; the playlist is then ended. */
  void stop() {
    stopped = true;
    LiveStreamFollower current = follower;
    if (current != null) {
      current.stop();
    }
  }

  /**
   * Stops, then waits for the playlist to be ended (for a shutdown hook, after which the JVM
   * exits).
   *
   * @param timeout the longest wait
   */
  void stopAndAwait(Duration timeout) {
    stop();
    try {
      finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A read_committed consumer without a consumer group. */
  private static <T extends org.apache.avro.specific.SpecificRecord> KafkaConsumer<String, T>
      consumer(FoleystreamConfig config, Class<T> type) {
    Map<String, Object> props = new HashMap<>();
    config.passThrough().forEach((k, v) -> {
      if (ConsumerConfig.configNames().contains(k) && !k.equals(ConsumerConfig.GROUP_ID_CONFIG)) {
        props.put(k, v);
      }
    });
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    SpecificAvroDeserializer<T> deserializer = new SpecificAvroDeserializer<>(type);
    deserializer.configure(config.passThrough(), false);
    return new KafkaConsumer<>(props, new StringDeserializer(), deserializer);
  }
}
