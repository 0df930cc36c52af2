package io.foleystream.topology.generator;

import io.foleystream.schemas.GeneratorState;
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
 * The generator's state: per stream, what its last window left for the next one to join
 * without a seam ({@link GeneratorState}: where the published audio ends, the window's own
 * rendering beyond that, and in live mode its latent). The state lives in the compacted window
 * tail topic, written in the same transaction as
 * the audio; the states of partition p are those of window task partition p. On assignment a
 * partition's states are read back (read_committed) before any of its windows is generated, so a
 * window replayed after a crash or a rebalance joins exactly what the first attempt did.
 */
public final class WindowTails {

  /** Reads one partition of the window tail topic, from its start to its end. */
  public interface Restorer {
    /**
     * The latest committed state of every stream of a partition.
     *
     * @param partition the partition number
     * @return stream id to state (streams whose state was deleted are absent)
     */
    Map<String, GeneratorState> read(int partition);
  }

  private final Restorer restorer;
  private final Map<Integer, Map<String, GeneratorState>> byPartition = new ConcurrentHashMap<>();

  /**
   * @param restorer reads a partition's committed states back
   */
  public WindowTails(Restorer restorer) {
    this.restorer = restorer;
  }

  /** States kept in memory only, for a generator whose windows never overlap or for tests. */
  public static WindowTails inMemory() {
    return new WindowTails(partition -> Map.of());
  }

  /** A restorer that reads the window tail topic with a consumer of its own (no consumer group). */
  public static Restorer fromTopic(Consumer<String, GeneratorState> consumer, String topic) {
    return partition -> {
      TopicPartition tp = new TopicPartition(topic, partition);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      Map<String, GeneratorState> states = new HashMap<>();
      while (consumer.position(tp) < end) {
        for (ConsumerRecord<String, GeneratorState> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.value() == null) {
            states.remove(r.key());
          } else {
            states.put(r.key(), r.value());
          }
        }
      }
      return states;
    };
  }

  /** Reads back the states of newly assigned window task partitions. */
  public void restore(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      byPartition.put(tp.partition(), new ConcurrentHashMap<>(restorer.read(tp.partition())));
    }
  }

  /** Forgets the states of partitions this instance no longer owns. */
  public void drop(Collection<TopicPartition> partitions) {
    partitions.forEach(tp -> byPartition.remove(tp.partition()));
  }

  /**
   * A stream's latest committed state.
   *
   * @param partition the stream's window task partition
   * @param streamId the stream
   * @return the state, or null
   */
  public GeneratorState get(int partition, String streamId) {
    Map<String, GeneratorState> states = byPartition.get(partition);
    return states == null ? null : states.get(streamId);
  }

  /**
   * Records a committed state.
   *
   * @param partition the stream's window task partition
   * @param streamId the stream
   * @param state the state, or null when the stream's state was deleted
   */
  public void put(int partition, String streamId, GeneratorState state) {
    Map<String, GeneratorState> states = byPartition.computeIfAbsent(partition,
        p -> new ConcurrentHashMap<>());
    if (state == null) {
      states.remove(streamId);
    } else {
      states.put(streamId, state);
    }
  }
}
