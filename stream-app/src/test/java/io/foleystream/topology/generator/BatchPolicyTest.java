package io.foleystream.topology.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class BatchPolicyTest {

  private static PendingWindow window(int partition, long offset, long receivedAt) {
    return new PendingWindow(new ConsumerRecord<>("tasks", partition, offset, new byte[0],
        new byte[0]), null, null, receivedAt);
  }

  private static List<Long> offsets(List<PendingWindow> batch) {
    return batch.stream().map(w -> w.record().partition() * 100L + w.record().offset()).toList();
  }

  @Test
  void aBatchIsDueWhenFullOrWhenItsOldestWindowWaitedLongEnough() {
    BatchPolicy policy = BatchPolicy.arrivalOrder(3, 50);
    assertEquals(-1, policy.millisUntilDue(0));
    policy.add(window(0, 0, 1000));
    assertEquals(50, policy.millisUntilDue(1000));
    assertEquals(20, policy.millisUntilDue(1030));
    assertTrue(policy.next(1049).isEmpty(), "not due before the wait");
    assertEquals(1, policy.next(1050).size());
    policy.add(window(0, 1, 2000));
    policy.add(window(1, 0, 2000));
    policy.add(window(1, 1, 2000));
    assertEquals(0, policy.millisUntilDue(2000), "a full batch is due at once");
    assertEquals(3, policy.next(2000).size());
    assertEquals(0, policy.size());
  }

  @Test
  void aBatchTakesQueueHeadsSoAPartitionsOrderIsKept() {
    // An order that prefers partition 1's later windows must still take them in offset order.
    BatchPolicy policy = new BatchPolicy(3, 0,
        Comparator.comparingLong(w -> -w.record().offset()));
    policy.add(window(0, 0, 0));
    policy.add(window(0, 1, 0));
    policy.add(window(1, 5, 0));
    policy.add(window(1, 6, 0));
    assertEquals(List.of(105L, 106L, 0L), offsets(policy.next(0)));
    assertEquals(List.of(1L), offsets(policy.next(0)));
  }

  @Test
  void theOrderDecidesBetweenPartitions() {
    BatchPolicy policy = BatchPolicy.arrivalOrder(2, 0);
    policy.add(window(0, 0, 30));
    policy.add(window(1, 0, 10));
    policy.add(window(2, 0, 20));
    assertEquals(List.of(100L, 200L), offsets(policy.next(30)));
    assertEquals(List.of(0L), offsets(policy.next(30)));
  }

  @Test
  void droppedPartitionsLeaveNothingBehind() {
    BatchPolicy policy = BatchPolicy.arrivalOrder(10, 0);
    policy.add(window(0, 0, 0));
    policy.add(window(1, 0, 0));
    policy.add(window(1, 1, 0));
    assertEquals(List.of(0L, 100L, 101L), offsets(policy.waiting()).stream().sorted().toList());
    policy.drop(List.of(new TopicPartition("tasks", 1)));
    assertEquals(1, policy.size());
    assertEquals(List.of(0L), offsets(policy.waiting()));
    assertEquals(List.of(0L), offsets(policy.next(0)));
  }

  @Test
  void theUpcomingWindowsAreTheOnesTheNextBatchesTakeInTheirOrder() {
    BatchPolicy policy = new BatchPolicy(2, 4, 0,
        Comparator.comparingLong(w -> -w.record().offset()));
    policy.add(window(0, 0, 0));
    policy.add(window(0, 1, 0));
    policy.add(window(1, 5, 0));
    policy.add(window(1, 6, 0));
    policy.add(window(2, 3, 0));
    List<Long> upcoming = offsets(policy.upcoming(5));
    assertEquals(List.of(105L, 106L, 203L, 0L, 1L), upcoming);
    assertEquals(List.of(105L, 106L), offsets(policy.upcoming(2)));
    assertEquals(5, policy.size(), "looking ahead takes nothing");
    List<Long> taken = new ArrayList<>(offsets(policy.next(0)));
    taken.addAll(offsets(policy.next(0)));
    taken.addAll(offsets(policy.next(0)));
    assertEquals(upcoming, taken);
    assertTrue(policy.upcoming(3).isEmpty());
  }

  @Test
  void thePolicyIsFullOnceItsReadAheadWaits() {
    BatchPolicy ahead = new BatchPolicy(2, 2, 0, Comparator.comparingLong(
        PendingWindow::receivedAtMillis));
    assertTrue(!ahead.full());
    ahead.add(window(0, 0, 0));
    assertTrue(!ahead.full(), "one window of a read-ahead of two");
    ahead.add(window(0, 1, 0));
    assertTrue(ahead.full());
    assertEquals(2, ahead.batchSize());
    assertTrue(BatchPolicy.arrivalOrder(2, 0).full(), "without read-ahead it is always full");
  }

  @Test
  void aBatchSizeBelowOneIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> BatchPolicy.arrivalOrder(0, 0));
    assertThrows(IllegalArgumentException.class, () -> new BatchPolicy(1, -1, 0,
        Comparator.comparingLong(PendingWindow::receivedAtMillis)));
  }
}
