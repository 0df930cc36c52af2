package io.foleystream.topology.generator;

import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.DeadLetter;
import io.foleystream.schemas.GeneratorState;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.WindowTask;
import io.foleystream.topology.operations.PipelineMetrics;
import io.foleystream.topology.records.DeadLetters;
import io.foleystream.topology.records.TopicNames;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Turns what the generation step made of a window into the records of the batch's transaction:
 * audio chunks, the stream's generator state update, and dead letters (of the window task itself, or of a
 * chunk inside it that does not decode).
 */
public final class OutputRecords {

  private static final Logger LOG = LoggerFactory.getLogger(OutputRecords.class);

  /** The serdes and codecs of the generator's records. */
  public record Codecs(Deserializer<WindowTask> tasks, Serializer<AudioChunk> audio,
      Serializer<DeadLetter> deadLetters, Serializer<VideoChunk> chunks,
      Serializer<GeneratorState> states) {}

  private final TopicNames topics;
  private final Codecs codecs;
  private final DeadLetters deadLetters;
  private final PipelineMetrics metrics;

  /**
   * @param topics the topic names
   * @param codecs the serdes
   * @param deadLetters builds dead letters
   * @param metrics counts dead letters
   */
  public OutputRecords(TopicNames topics, Codecs codecs, DeadLetters deadLetters,
      PipelineMetrics metrics) {
    this.topics = topics;
    this.codecs = codecs;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
  }

  /**
   * The codecs.
   *
   * @return the serdes
   */
  public Codecs codecs() {
    return codecs;
  }

  /**
   * The records a generated (or failed) window publishes.
   *
   * @param pending the window task as read
   * @param outcome what the step made of it
   * @return the records, in the order to send them
   */
  public List<ProducerRecord<byte[], byte[]>> of(PendingWindow pending,
      GenerationStep.Outcome outcome) {
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
    ConsumerRecord<byte[], byte[]> record = pending.record();
    WindowTask task = pending.task();
    byte[] key = record.key();
    for (WindowFeaturizer.BadChunk bad : outcome.badChunks()) {
      out.add(badChunkLetter(record, bad));
    }
    if (outcome.failure() != null) {
      out.add(deadLetter(record, "generate", outcome.failure()));
      return out;
    }
    for (AudioChunk chunk : outcome.audio()) {
      out.add(new ProducerRecord<>(topics.audio(), null, timestamp(record), key,
          codecs.audio().serialize(topics.audio(), chunk)));
    }
    if (outcome.stateUpdate() != null) {
      GeneratorState state = outcome.stateUpdate().state();
      out.add(new ProducerRecord<>(topics.windowTails(), record.partition(), key,
          state == null ? null : codecs.states().serialize(topics.windowTails(), state)));
    }
    try (MDC.MDCCloseable s = MDC.putCloseable("streamId", task.getStreamId());
        MDC.MDCCloseable w = MDC.putCloseable("window", String.valueOf(task.getWindowIndex()))) {
      LOG.info("window generated: {} audio chunk(s) from {} us", outcome.audio().size(),
          task.getWindowStartMicros());
    }
    return out;
  }

  /**
   * The record that deletes a stream's generator state.
   *
   * @param partition the stream's window task partition (the tail topic's partition too)
   * @param streamId the stream (the key of its window tasks)
   * @return a tombstone in the tail topic
   */
  public ProducerRecord<byte[], byte[]> stateDeletion(int partition, String streamId) {
    return new ProducerRecord<>(topics.windowTails(), partition,
        streamId.getBytes(StandardCharsets.UTF_8), null);
  }

  /**
   * The dead letter of a record that failed as a whole.
   *
   * @param record the record
   * @param stage the stage that rejected it
   * @param error why
   * @return the dead-letter record
   */
  public ProducerRecord<byte[], byte[]> deadLetter(ConsumerRecord<byte[], byte[]> record,
      String stage, Throwable error) {
    metrics.deadLettered(stage);
    DeadLetter letter = deadLetters.of(new DeadLetters.Source(record.topic(), record.partition(),
        record.offset(), record.timestamp()), record.key(), record.value(), record.headers(),
        stage, error);
    return new ProducerRecord<>(topics.deadLetters(), record.key(),
        codecs.deadLetters().serialize(topics.deadLetters(), letter));
  }

  private ProducerRecord<byte[], byte[]> badChunkLetter(ConsumerRecord<byte[], byte[]> task,
      WindowFeaturizer.BadChunk bad) {
    DeadLetters.Source source = bad.source() != null
        ? new DeadLetters.Source(bad.source().getTopic(), bad.source().getPartition(),
            bad.source().getOffset(), null)
        : new DeadLetters.Source(task.topic(), task.partition(), task.offset(), task.timestamp());
    byte[] key = DeadLetters.keyBytes(bad.chunk().getStreamId());
    byte[] value = codecs.chunks().serialize(topics.video(), bad.chunk());
    metrics.deadLettered("featurize");
    return new ProducerRecord<>(topics.deadLetters(), key, codecs.deadLetters().serialize(
        topics.deadLetters(), deadLetters.of(source, key, value, null, "featurize",
            bad.error())));
  }

  private static Long timestamp(ConsumerRecord<byte[], byte[]> record) {
    return record.timestamp() >= 0 ? record.timestamp() : null;
  }
}
