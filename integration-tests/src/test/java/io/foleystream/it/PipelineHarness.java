package io.foleystream.it;

import io.foleystream.config.ConfigKeys;
import io.foleystream.config.FoleystreamConfig;
import io.foleystream.devstack.ApicurioRegistryServer;
import io.foleystream.devstack.EmbeddedKafkaBroker;
import io.foleystream.media.ChunkSegmenter;
import io.foleystream.media.MediaChunk;
import io.foleystream.media.MediaException;
import io.foleystream.media.SegmenterSettings;
import io.foleystream.media.VideoSource;
import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.DeadLetter;
import io.foleystream.schemas.StreamControl;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.serde.SpecificAvroDeserializer;
import io.foleystream.schemas.serde.SpecificAvroSerializer;
import io.foleystream.topology.FoleystreamApp;
import io.foleystream.topology.client.VideoIngestor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * What the pipeline tests share: a configuration of the application against the development
 * stack with topics of their own, short generated clips cut into chunks, and topic readers.
 */
final class PipelineHarness {

  /** The committed tiny model set, from the integration-tests module. */
  static final Path TINY_SET = Path.of("../onnx-models/fixtures/tiny/model-set");
  static final long SECOND = 1_000_000L;

  private static final Map<Long, List<MediaChunk>> CLIPS = new ConcurrentHashMap<>();

  private final EmbeddedKafkaBroker broker;
  private final ApicurioRegistryServer registry;
  private final String prefix;

  /**
   * @param broker the broker
   * @param registry the registry
   * @param prefix a prefix, unique per test, for topics and the application id
   */
  PipelineHarness(EmbeddedKafkaBroker broker, ApicurioRegistryServer registry, String prefix) {
    this.broker = broker;
    this.registry = registry;
    this.prefix = prefix;
  }

  /**
   * The application's configuration for this test: its own topics and application id, the tiny
   * set with few steps, one ONNX Runtime thread (so every run computes the same bits), no HTTP.
   */
  FoleystreamConfig config(Path stateDir, int partitions, int steps, Map<String, String> more) {
    Map<String, String> values = new HashMap<>();
    values.put("bootstrap.servers", broker.bootstrapServers());
    values.put("schema.registry.url", registry.confluentApiUrl());
    values.put("application.id", prefix + "-app");
    values.put("state.dir", stateDir.toString());
    values.put("commit.interval.ms", "100");
    values.put(ConfigKeys.MODELS.name(), TINY_SET.toString());
    values.put(ConfigKeys.TOPIC_VIDEO.name(), videoTopic());
    values.put(ConfigKeys.TOPIC_CONTROL.name(), controlTopic());
    values.put(ConfigKeys.TOPIC_AUDIO.name(), audioTopic());
    values.put(ConfigKeys.TOPIC_DLQ.name(), deadLetterTopic());
    values.put(ConfigKeys.TOPIC_WINDOW_TASKS.name(), prefix + ".tasks");
    values.put(ConfigKeys.TOPIC_WINDOW_TAILS.name(), prefix + ".tails");
    values.put(ConfigKeys.TOPIC_PARTITIONS.name(), String.valueOf(partitions));
    values.put(ConfigKeys.STEPS.name(), String.valueOf(steps));
    values.put(ConfigKeys.THREADS.name(), "1");
    values.put(ConfigKeys.HTTP_PORT.name(), "-1");
    values.put(ConfigKeys.INSTANCE_ID.name(), "instance-1");
    values.putAll(more);
    return FoleystreamConfig.of(values);
  }

  String videoTopic() {
    return prefix + ".video";
  }

  String controlTopic() {
    return prefix + ".control";
  }

  String audioTopic() {
    return prefix + ".audio";
  }

  String deadLetterTopic() {
    return prefix + ".dlq";
  }

  Map<String, Object> serdeConfig() {
    return Map.of("schema.registry.url", registry.confluentApiUrl());
  }

  /**
   * A generated clip (320 x 240, 25 fps, the moving test picture) cut into 2 s MPEG-TS chunks,
   * cut once per length and shared.
   */
  static List<MediaChunk> clip(int seconds) {
    return clipMicros(seconds * SECOND);
  }

  /**
   * A generated clip as {@link #clip(int)}, of any length: the whole 25 fps frames that fit in
   * it, so it ends on the frame grid.
   */
  static List<MediaChunk> clipMicros(long micros) {
    return CLIPS.computeIfAbsent(micros, us -> {
      List<MediaChunk> chunks = new ArrayList<>();
      try {
        new ChunkSegmenter(new SegmenterSettings(2 * SECOND, SegmenterSettings.Reencode.AUTO,
            300)).run(new VideoSource.TestPattern(320, 240, 25, us, false), chunks::add);
      } catch (MediaException e) {
        throw new IllegalStateException("cannot cut the test clip", e);
      }
      return List.copyOf(chunks);
    });
  }

  /** The VideoChunk record of chunk {@code sequence} of a clip (no capture time). */
  static VideoChunk videoChunk(String streamId, List<MediaChunk> clip, int sequence) {
    VideoChunk record = VideoIngestor.record(clip.get(sequence), streamId, sequence,
        sequence == clip.size() - 1);
    record.setCapturedAt(null);
    return record;
  }

  /** Creates the test's topics with one partition, as the application would. */
  void createTopics() {
    createTopics(1);
  }

  /** Creates the test's topics with the given partitions, as the application would. */
  void createTopics(int partitions) {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      admin.createTopics(List.of(videoTopic(), controlTopic(), audioTopic(),
          deadLetterTopic(), prefix + ".tasks", prefix + ".tails").stream()
          .map(t -> new NewTopic(t, partitions, (short) 1)).toList()).all().get();
    } catch (Exception e) {
      throw new IllegalStateException("cannot create the test topics", e);
    }
  }

  /** A producer of raw bytes (values already in the wire format) to the broker. */
  KafkaProducer<String, byte[]> rawProducer() {
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        broker.bootstrapServers(), ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024),
        new StringSerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer());
  }

  /** The wire-format bytes of a record for a topic. */
  <T extends SpecificRecord> byte[] encode(String topic, T record) {
    SpecificAvroSerializer<T> serializer = new SpecificAvroSerializer<>();
    serializer.configure(serdeConfig(), false);
    return serializer.serialize(topic, record);
  }

  /** Chunk {@code sequence} of a clip as stream {@code streamId}, its video damaged. */
  static VideoChunk damagedChunk(String streamId, List<MediaChunk> clip, int sequence) {
    VideoChunk damaged = videoChunk(streamId, clip, sequence);
    damaged.setPayload(ByteBuffer.wrap(damage(clip.get(sequence).bytes())));
    return damaged;
  }

  /** Random bytes in every third 188-byte packet, sync bytes and headers kept. */
  private static byte[] damage(byte[] chunk) {
    byte[] bytes = chunk.clone();
    Random random = new Random(7);
    for (int p = 2; p < bytes.length / 188; p += 3) {
      for (int i = 4; i < 188; i++) {
        bytes[p * 188 + i] = (byte) random.nextInt();
      }
    }
    return bytes;
  }

  /**
   * {@code count} stream ids that the default partitioner spreads over the partitions in turn:
   * stream {@code i} goes to partition {@code i % partitions}.
   */
  static List<String> streamsOverPartitions(int count, int partitions) {
    List<String> streams = new ArrayList<>();
    for (int i = 0; streams.size() < count; i++) {
      String id = "stream-" + i;
      if (partitionOf(id, partitions) == streams.size() % partitions) {
        streams.add(id);
      }
    }
    return streams;
  }

  /** The partition the default partitioner gives a key. */
  static int partitionOf(String key, int partitions) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }

  /** Windows generated and committed by an application so far. */
  static double generated(FoleystreamApp app) {
    return app.meterRegistry().get("foleystream.windows.generated").counter().count();
  }

  /** Waits up to two minutes for a condition. */
  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(100);
    }
  }

  /** Sends a stream's control record and waits for its acknowledgement. */
  void sendControl(KafkaProducer<String, byte[]> producer, StreamControl control) {
    try {
      producer.send(new ProducerRecord<>(controlTopic(), control.getStreamId(),
          encode(controlTopic(), control))).get();
    } catch (Exception e) {
      throw new IllegalStateException("cannot send the control record", e);
    }
  }

  /** Sends chunks {@code from} to {@code to} (exclusive) of a clip as stream {@code streamId}. */
  void sendChunks(KafkaProducer<String, byte[]> producer, String streamId, List<MediaChunk> clip,
      int from, int to) {
    for (int n = from; n < to; n++) {
      send(producer, videoChunk(streamId, clip, n));
    }
  }

  /** Sends one video chunk record, keyed by its stream, and waits for its acknowledgement. */
  void send(KafkaProducer<String, byte[]> producer, VideoChunk chunk) {
    try {
      producer.send(new ProducerRecord<>(videoTopic(), chunk.getStreamId(),
          encode(videoTopic(), chunk))).get();
    } catch (Exception e) {
      throw new IllegalStateException("cannot send chunk " + chunk.getSequence() + " of "
          + chunk.getStreamId(), e);
    }
  }

  /**
   * Reads a topic with read_committed, every partition from the start, until {@code done} holds
   * for what was read or the time is up.
   */
  <T extends SpecificRecord> List<ConsumerRecord<String, T>> readCommitted(String topic,
      Class<T> type, Predicate<List<ConsumerRecord<String, T>>> done, Duration timeout) {
    SpecificAvroDeserializer<T> deserializer = new SpecificAvroDeserializer<>(type);
    deserializer.configure(serdeConfig(), false);
    List<ConsumerRecord<String, T>> read = new ArrayList<>();
    try (KafkaConsumer<String, T> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(),
        deserializer)) {
      fromTheStart(consumer, topic);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!done.test(read) && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(read::add);
      }
      // Whatever else is already committed, to catch duplicates.
      for (int i = 0; i < 3; i++) {
        consumer.poll(Duration.ofMillis(200)).forEach(read::add);
      }
    }
    return read;
  }

  /** The audio chunks of the given streams, read until every stream's last window is in. */
  List<AudioChunk> audio(List<String> streams, Duration timeout) {
    return readCommitted(audioTopic(), AudioChunk.class, read -> complete(read, streams),
        timeout).stream().map(ConsumerRecord::value).toList();
  }

  /** Dead letters, read until at least {@code count} are in. */
  List<DeadLetter> deadLetters(int count, Duration timeout) {
    return readCommitted(deadLetterTopic(), DeadLetter.class, read -> read.size() >= count,
        timeout).stream().map(ConsumerRecord::value).toList();
  }

  /** Whether every stream has its end-of-stream chunk and all windows up to it complete. */
  static boolean complete(List<ConsumerRecord<String, AudioChunk>> read, List<String> streams) {
    for (String stream : streams) {
      Map<Long, Integer> counts = new HashMap<>();
      Map<Long, Integer> expected = new HashMap<>();
      Long last = null;
      for (ConsumerRecord<String, AudioChunk> r : read) {
        AudioChunk c = r.value();
        if (stream.equals(c.getStreamId())) {
          counts.merge(c.getWindowIndex(), 1, Integer::sum);
          expected.put(c.getWindowIndex(), c.getChunkCount());
          if (c.getEndOfStream()) {
            last = c.getWindowIndex();
          }
        }
      }
      if (last == null) {
        return false;
      }
      for (long k = 0; k <= last; k++) {
        if (counts.getOrDefault(k, 0) < expected.getOrDefault(k, Integer.MAX_VALUE)) {
          return false;
        }
      }
    }
    return true;
  }

  /** Raw records of a topic (no decoding), read_committed, all partitions. */
  List<ConsumerRecord<byte[], byte[]>> rawRecords(String topic, int count, Duration timeout) {
    List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      fromTheStart(consumer, topic);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (read.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(read::add);
      }
    }
    return read;
  }

  /** Assigns every partition of the topic, positioned at its start (no consumer group). */
  private static void fromTheStart(KafkaConsumer<?, ?> consumer, String topic) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (PartitionInfo p : consumer.partitionsFor(topic)) {
      partitions.add(new TopicPartition(topic, p.partition()));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** A fresh directory under the module's build directory. */
  static Path tempDir(String name) {
    try {
      Path base = Files.createDirectories(Path.of("target", "it-state"));
      return Files.createTempDirectory(base, name);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
