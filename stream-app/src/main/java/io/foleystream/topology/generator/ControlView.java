package io.foleystream.topology.generator;

import io.foleystream.schemas.StreamControl;
import io.foleystream.schemas.serde.AvroSerdeException;
import io.foleystream.topology.records.DeadLetters;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generator's own view of the control topic: the latest {@link StreamControl} of every
 * stream, so that a window's settings are those in force when it is generated. A plain consumer
 * without a group reads every partition of the compacted topic (read_committed) from its start:
 * {@link #catchUp()} reads up to the end before the generator starts, then a thread of its own
 * follows the topic. A tombstone forgets the stream; a record that does not decode is skipped
 * (the assembler dead-letters it); one that cannot be decoded now (the registry is unreachable)
 * is read again a second later.
 */
public final class ControlView implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ControlView.class);
  private static final Duration POLL = Duration.ofMillis(200);

  private final Consumer<String, byte[]> consumer;
  private final Deserializer<StreamControl> deserializer;
  private final String topic;
  private final Map<String, StreamControl> latest = new ConcurrentHashMap<>();
  private volatile boolean running = true;
  private Thread follower;

  /**
   * @param consumer a consumer without a group, read_committed, of its own
   * @param deserializer decodes control records
   * @param topic the control topic
   */
  public ControlView(Consumer<String, byte[]> consumer, Deserializer<StreamControl> deserializer,
      String topic) {
    this.consumer = consumer;
    this.deserializer = deserializer;
    this.topic = topic;
  }

  /**
   * The latest control record of a stream.
   *
   * @param streamId the stream
   * @return the record, or null when the stream has none
   */
  public StreamControl latest(String streamId) {
    return latest.get(streamId);
  }

  /** Reads the whole topic up to its current end. */
  public void catchUp() {
    List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
        .map((PartitionInfo p) -> new TopicPartition(topic, p.partition())).toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(partitions));
    while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
      apply(consumer.poll(POLL));
    }
    LOG.info("control view caught up: {} stream(s) with control records", latest.size());
  }

  /** Follows the topic on a thread of its own until {@link #close()}. */
  public void follow() {
    follower = new Thread(() -> {
      try {
        while (running) {
          try {
            apply(consumer.poll(POLL));
          } catch (WakeupException e) {
            throw e;
          } catch (RuntimeException e) {
            // A stale view is worse than a late one: keep following once the broker is back.
            LOG.warn("reading the control topic failed, retrying: {}", e.toString());
            pause();
          }
        }
      } catch (WakeupException e) {
        LOG.debug("control view stopped");
      } finally {
        consumer.close();
      }
    }, "foleystream-control-view");
    follower.setDaemon(true);
    follower.start();
  }

  private void apply(ConsumerRecords<String, byte[]> records) {
    for (ConsumerRecord<String, byte[]> r : records) {
      if (r.key() == null) {
        continue;
      }
      if (r.value() == null) {
        latest.remove(r.key());
        continue;
      }
      try {
        StreamControl control = deserializer.deserialize(r.topic(), r.headers(), r.value());
        if (control != null && r.key().equals(control.getStreamId())) {
          latest.put(r.key(), control);
        }
      } catch (AvroSerdeException e) {
        if (e.recordAtFault()) {
          LOG.debug("control record {}-{}@{} skipped: {}", r.topic(), r.partition(), r.offset(),
              DeadLetters.messages(e));
        } else {
          LOG.warn("cannot decode control record {}-{}@{} now, reading it again: {}", r.topic(),
              r.partition(), r.offset(), DeadLetters.messages(e));
          consumer.seek(new TopicPartition(r.topic(), r.partition()), r.offset());
          pause();
          return;
        }
      }
    }
  }

  private void pause() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /**
   * The number of streams with a control record (for tests and logs).
   *
   * @return the count
   */
  public int size() {
    return latest.size();
  }

  @Override
  public void close() {
    running = false;
    if (follower != null) {
      consumer.wakeup();
      try {
        follower.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    } else {
      consumer.close();
    }
  }
}
