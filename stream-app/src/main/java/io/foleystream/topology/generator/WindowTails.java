package io.foleystream.topology.generator;

import io.foleystream.schemas.GeneratorState;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
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
 *
 * <p>Each state remembers when it was last written (or read back): a stream that goes idle
 * without an end of stream leaves a state no window will read, which {@link #idleSince} finds
 * so the driver can delete it after the stream's retention.
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

  /** A stream of a partition. */
  public record StreamKey(int partition, String streamId) {}

  private final Restorer restorer;
  private final LongSupplier clock;
  private final Map<Integer, Map<String, GeneratorState>> byPartition = new ConcurrentHashMap<>();
  private final Map<StreamKey, Long> touched = new ConcurrentHashMap<>();

  /**
   * @param restorer reads a partition's committed states back
   */
  public WindowTails(Restorer restorer) {
    this(restorer, System::currentTimeMillis);
  }

  /**
   * @param restorer reads a partition's committed states back
   * @param clock wall-clock milliseconds, for the states' last use
   */
  public WindowTails(Restorer restorer, LongSupplier clock) {
    this.restorer = restorer;
    this.clock = clock;
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
    long now = clock.getAsLong();
    for (TopicPartition tp : partitions) {
      Map<String, GeneratorState> states = restorer.read(tp.partition());
      byPartition.put(tp.partition(), new ConcurrentHashMap<>(states));
      touched.keySet().removeIf(k -> k.partition() == tp.partition());
      // A restored state's age is unknown here: it counts from now, so it lives at least its
      // retention after a restart, never less.
      states.keySet().forEach(s -> touched.put(new StreamKey(tp.partition(), s), now));
    }
  }

  /** Forgets the states of partitions this instance no longer owns. */
  public void drop(Collection<TopicPartition> partitions) {
    partitions.forEach(tp -> {
      byPartition.remove(tp.partition());
      touched.keySet().removeIf(k -> k.partition() == tp.partition());
    });
  }

  /**
   * The streams whose state was last written or read back before a time.
   *
   * @param cutoffMillis wall-clock milliseconds
   * @return the streams, oldest first
   */
  public List<StreamKey> idleSince(long cutoffMillis) {
    return touched.entrySet().stream().filter(e -> e.getValue() < cutoffMillis)
        .sorted(Map.Entry.comparingByValue()).map(Map.Entry::getKey).toList();
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
    StreamKey key = new StreamKey(partition, streamId);
    if (state == null) {
      states.remove(streamId);
      touched.remove(key);
    } else {
      states.put(streamId, state);
      touched.put(key, clock.getAsLong());
    }
  }
}
