package io.foleystream.topology.generator;

import io.foleystream.schemas.WindowTask;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * A window task record read and not yet committed.
 *
 * @param record the record as read
 * @param task the decoded task, or null when the record goes to the dead-letter topic
 * @param failure why the record could not be decoded, or null
 * @param receivedAtMillis wall-clock time at which the generator read it
 */
public record PendingWindow(ConsumerRecord<byte[], byte[]> record, WindowTask task,
    Exception failure, long receivedAtMillis) {

  /**
   * The record's partition.
   *
   * @return topic and partition
   */
  public TopicPartition partition() {
    return new TopicPartition(record.topic(), record.partition());
  }
}
