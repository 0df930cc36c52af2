package io.foleystream.topology.generator;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Decides what is generated next: the windows read and not yet generated wait here, one queue
 * per partition, and {@link #next} forms the next batch.
 *
 * <p>A batch is due when it is full ({@code batchSize} windows) or when the oldest waiting
 * window has waited {@code batchWaitMillis}; it takes, one at a time, the head of the partition
 * queue that comes first by the policy's order. Taking only queue heads keeps a stream's windows
 * (one partition, in offset order) in their order, and makes every batch a prefix of each
 * partition's queue, so the offsets it commits never skip a window.
 */
public final class BatchPolicy {

  private final int batchSize;
  private final int readAhead;
  private final long batchWaitMillis;
  private final Comparator<PendingWindow> order;
  private final Map<TopicPartition, Deque<PendingWindow>> queues = new LinkedHashMap<>();
  private int size;

  /**
   * @param batchSize most windows per batch
   * @param batchWaitMillis how long the oldest window waits for others to fill its batch
   * @param order which queue head goes first
   */
  public BatchPolicy(int batchSize, long batchWaitMillis, Comparator<PendingWindow> order) {
    this(batchSize, 0, batchWaitMillis, order);
  }

  /**
   * A policy that wants windows read ahead while a batch is generated, so that their media work
   * can start early.
   *
   * @param batchSize most windows per batch
   * @param readAhead windows to hold waiting while a batch is generated (0: read nothing then)
   * @param batchWaitMillis how long the oldest window waits for others to fill its batch
   * @param order which queue head goes first
   */
  public BatchPolicy(int batchSize, int readAhead, long batchWaitMillis,
      Comparator<PendingWindow> order) {
    if (batchSize < 1 || readAhead < 0) {
      throw new IllegalArgumentException("batch size must be at least 1 and read-ahead not"
          + " negative: " + batchSize + ", " + readAhead);
    }
    this.batchSize = batchSize;
    this.readAhead = readAhead;
    this.batchWaitMillis = Math.max(0, batchWaitMillis);
    this.order = order;
  }

  /**
   * First read, first generated: the order of a plain consumer.
   *
   * @param batchSize most windows per batch
   * @param batchWaitMillis how long the oldest window waits for others
   * @return the policy
   */
  public static BatchPolicy arrivalOrder(int batchSize, long batchWaitMillis) {
    return new BatchPolicy(batchSize, batchWaitMillis,
        Comparator.comparingLong(PendingWindow::receivedAtMillis));
  }

  /**
   * Most windows per batch.
   *
   * @return the batch size
   */
  public int batchSize() {
    return batchSize;
  }

  /**
   * Whether enough windows wait that reading more while a batch is generated would only
   * buffer them: the read-ahead is reached.
   *
   * @return true when at least the read-ahead waits
   */
  public boolean full() {
    return size >= readAhead;
  }

  /**
   * Adds a window read from its partition (after every window read before it there).
   *
   * @param window the window
   */
  public void add(PendingWindow window) {
    queues.computeIfAbsent(window.partition(), p -> new ArrayDeque<>()).add(window);
    size++;
  }

  /**
   * Windows waiting.
   *
   * @return the count
   */
  public int size() {
    return size;
  }

  /**
   * The windows waiting, partition by partition.
   *
   * @return a copy
   */
  public List<PendingWindow> waiting() {
    List<PendingWindow> all = new ArrayList<>(size);
    queues.values().forEach(all::addAll);
    return all;
  }

  /**
   * How long the driver may wait for more records before a batch is due.
   *
   * @param nowMillis wall-clock time
   * @return milliseconds, 0 when a batch is due now, -1 when nothing waits
   */
  public long millisUntilDue(long nowMillis) {
    if (size == 0) {
      return -1;
    }
    if (size >= batchSize) {
      return 0;
    }
    long oldest = Long.MAX_VALUE;
    for (Deque<PendingWindow> queue : queues.values()) {
      for (PendingWindow w : queue) {
        oldest = Math.min(oldest, w.receivedAtMillis());
      }
    }
    return Math.max(0, oldest + batchWaitMillis - nowMillis);
  }

  /**
   * Takes the next batch if one is due.
   *
   * @param nowMillis wall-clock time
   * @return the batch, empty when none is due
   */
  public List<PendingWindow> next(long nowMillis) {
    if (millisUntilDue(nowMillis) != 0) {
      return List.of();
    }
    List<PendingWindow> batch = new ArrayList<>();
    while (batch.size() < batchSize && size > 0) {
      Deque<PendingWindow> first = null;
      for (Deque<PendingWindow> queue : queues.values()) {
        if (!queue.isEmpty() && (first == null
            || order.compare(queue.peekFirst(), first.peekFirst()) < 0)) {
          first = queue;
        }
      }
      batch.add(first.pollFirst());
      size--;
    }
    queues.values().removeIf(Deque::isEmpty);
    return batch;
  }

  /**
   * The windows {@link #next} would take first, in that order, without taking them.
   *
   * @param limit most windows
   * @return up to {@code limit} waiting windows
   */
  public List<PendingWindow> upcoming(int limit) {
    Map<TopicPartition, Iterator<PendingWindow>> heads = new LinkedHashMap<>();
    Map<TopicPartition, PendingWindow> current = new LinkedHashMap<>();
    queues.forEach((tp, queue) -> {
      Iterator<PendingWindow> it = queue.iterator();
      heads.put(tp, it);
      if (it.hasNext()) {
        current.put(tp, it.next());
      }
    });
    List<PendingWindow> out = new ArrayList<>();
    while (out.size() < limit && !current.isEmpty()) {
      TopicPartition first = null;
      for (Map.Entry<TopicPartition, PendingWindow> e : current.entrySet()) {
        if (first == null || order.compare(e.getValue(), current.get(first)) < 0) {
          first = e.getKey();
        }
      }
      out.add(current.remove(first));
      Iterator<PendingWindow> it = heads.get(first);
      if (it.hasNext()) {
        current.put(first, it.next());
      }
    }
    return out;
  }

  /**
   * Forgets the waiting windows of partitions: revoked ones, or rewound ones whose records the
   * consumer reads again.
   *
   * @param partitions the partitions
   */
  public void drop(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions) {
      Deque<PendingWindow> queue = queues.remove(tp);
      if (queue != null) {
        size -= queue.size();
      }
    }
  }
}
