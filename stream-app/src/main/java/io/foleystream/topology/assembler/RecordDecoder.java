package io.foleystream.topology.assembler;

import io.foleystream.schemas.serde.AvroSerdeException;
import io.foleystream.topology.operations.PipelineMetrics;
import io.foleystream.topology.records.DeadLetters;
import io.foleystream.topology.records.InvalidRecordException;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The first node after a source: turns raw bytes into a typed record, or sends the raw record
 * to the dead-letter topic when the record itself is at fault (bad bytes, an unknown schema id,
 * no key, content that breaks the record's rules). A registry that cannot be reached is not the
 * record's fault: the exception propagates, the stream thread is replaced, and the record is
 * read again from the last commit.
 *
 * @param <T> the record type
 */
public final class RecordDecoder<T extends SpecificRecord>
    implements Processor<byte[], byte[], Object, Object> {

  private final Deserializer<T> deserializer;
  private final Validator<T> validator;
  private final boolean tombstonesAllowed;
  private final String stage;
  private final String next;
  private final String deadLetterNode;
  private final DeadLetters deadLetters;
  private final PipelineMetrics metrics;
  private ProcessorContext<Object, Object> context;

  /**
   * What is wrong with a decoded record, given its key; a validator that compares the record
   * with the application's state reads the stores connected to the decoder's node.
   *
   * @param <T> the record type
   */
  @FunctionalInterface
  public interface Validator<T> {
    /**
     * Called once the decoder's node is initialized, before any record.
     *
     * @param context the decoder's context, for its state stores
     */
    default void init(ProcessorContext<?, ?> context) {}

    /**
     * What is wrong with a record.
     *
     * @param key the record key
     * @param value the decoded value
     * @return the rule it breaks, or null when it breaks none
     */
    String problem(String key, T value);
  }

  /**
   * @param deserializer the value deserializer
   * @param validator returns what is wrong with a decoded record given its key, or null when
   *     nothing is
   * @param tombstonesAllowed whether a null value passes (as a deletion)
   * @param stage the stage name in dead letters
   * @param next the node good records go to
   * @param deadLetterNode the dead-letter sink
   * @param deadLetters builds dead letters
   * @param metrics counts them
   */
  public RecordDecoder(Deserializer<T> deserializer, Validator<T> validator,
      boolean tombstonesAllowed, String stage, String next, String deadLetterNode,
      DeadLetters deadLetters, PipelineMetrics metrics) {
    this.deserializer = deserializer;
    this.validator = validator;
    this.tombstonesAllowed = tombstonesAllowed;
    this.stage = stage;
    this.next = next;
    this.deadLetterNode = deadLetterNode;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    validator.init(context);
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    RecordMetadata meta = context.recordMetadata().orElseThrow();
    T value;
    try {
      value = record.value() == null ? null
          : deserializer.deserialize(meta.topic(), record.headers(), record.value());
    } catch (AvroSerdeException e) {
      if (!e.recordAtFault()) {
        throw e;
      }
      deadLetter(record, meta, e);
      return;
    }
    String problem = null;
    String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
    if (key == null) {
      problem = "the record has no key (the stream id)";
    } else if (value == null && !tombstonesAllowed) {
      problem = "the record has no value";
    } else if (value != null) {
      problem = validator.problem(key, value);
    }
    if (problem != null) {
      deadLetter(record, meta, new InvalidRecordException(problem));
      return;
    }
    context.forward(new Record<>(key, value,
        record.timestamp(), record.headers()), next);
  }

  private void deadLetter(Record<byte[], byte[]> record, RecordMetadata meta, Exception error) {
    metrics.deadLettered(stage);
    context.forward(new Record<>(record.key(), deadLetters.of(new DeadLetters.Source(
        meta.topic(), meta.partition(), meta.offset(), record.timestamp()), record.key(),
        record.value(), record.headers(), stage, error), record.timestamp()), deadLetterNode);
  }

  @Override
  public void close() {
    deserializer.close();
  }
}
