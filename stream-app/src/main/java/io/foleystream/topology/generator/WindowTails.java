package io.foleystream.topology.generator;

import io.foleystream.schemas.AudioChunk;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The generator's crossfade state: per stream, the audio its last window generated beyond its
 * published region (the head of the next window's region), which the next window crossfades
 * with. The state lives in the compacted window tail topic, written in the same transaction as
 * the audio; the tails of partition p are those of window task partition p. On assignment a
 * partition's tails are read back (read_committed) before any of its windows is generated, so a
 * window replayed after a crash or a rebalance crossfades with exactly what the first attempt
 * did.
 */
public final class WindowTails {

  /** Reads one partition of the tail topic, from its start to its end. */
  public interface Restorer {
    /**
     * The latest committed tail of every stream of a partition.
     *
     * @param partition the partition number
     * @return stream id to tail (streams whose tail was deleted are absent)
     */
    Map<String, AudioChunk> read(int partition);
  }

  private final Restorer restorer;
  private final Map<Integer, Map<String, AudioChunk>> byPartition = new ConcurrentHashMap<>();

  public WindowTails(Restorer restorer) {
    this.restorer = restorer;
  }

  /** Tails kept in memory only, for a generator whose windows never overlap or for tests. */
  public static WindowTails inMemory() {
    return new WindowTails(partition -> Map.of());
  }

  /** A restorer that reads the tail topic with a consumer of its own (no consumer group). */
  public static Restorer fromTopic(Consumer<String, AudioChunk> consumer, String topic) {
    return partition -> {
      TopicPartition tp = new TopicPartition(topic, partition);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      Map<String, AudioChunk> tails = new HashMap<>();
      while (consumer.position(tp) < end) {
        for (ConsumerRecord<String, AudioChunk> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.value() == null) {
            tails.remove(r.key());
          } else {
            tails.put(r.key(), r.value());
          }
        }
      }
      return tails;
    };
  }

  /** Reads back the tails of newly assigned window task partitions. */
  public void restore(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      byPartition.put(tp.partition(), new ConcurrentHashMap<>(restorer.read(tp.partition())));
    }
  }

  /** Forgets the tails of partitions this instance no longer owns. */
  public void drop(Collection<TopicPartition> partitions) {
    partitions.forEach(tp -> byPartition.remove(tp.partition()));
  }

  /**
   * A stream's latest committed tail.
   *
   * @param partition the stream's window task partition
   * @param streamId the stream
   * @return the tail, or null
   */
  public AudioChunk get(int partition, String streamId) {
    Map<String, AudioChunk> tails = byPartition.get(partition);
    return tails == null ? null : tails.get(streamId);
  }

  /**
   * Records a committed tail.
   *
   * @param partition the stream's window task partition
   * @param streamId the stream
   * @param tail the tail, or null when the stream's tail was deleted
   */
  public void put(int partition, String streamId, AudioChunk tail) {
    Map<String, AudioChunk> tails = byPartition.computeIfAbsent(partition,
        p -> new ConcurrentHashMap<>());
    if (tail == null) {
      tails.remove(streamId);
    } else {
      tails.put(streamId, tail);
    }
  }
}
