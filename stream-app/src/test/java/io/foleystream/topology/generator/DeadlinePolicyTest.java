package io.foleystream.topology.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.schemas.DeadlineAction;
import io.foleystream.schemas.GapPolicy;
import io.foleystream.schemas.GenerationSettings;
import io.foleystream.schemas.StreamControl;
import io.foleystream.schemas.WindowCompletion;
import io.foleystream.schemas.WindowGrid;
import io.foleystream.schemas.WindowMode;
import io.foleystream.schemas.WindowTask;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Deadlines, the late-window actions, and earliest-deadline-first batches, on a fake clock. */
class DeadlinePolicyTest {

  private static final int STEPS = 25;
  private static final long BUDGET = 8_000;

  private final AtomicLong clock = new AtomicLong(1_000_000);
  private final Map<String, StreamControl> controls = new HashMap<>();
  private final DeadlinePolicy policy = new DeadlinePolicy(BUDGET, DeadlineAction.QUEUE);

  private static WindowTask task(String stream, long index, long lastChunkAtMillis) {
    return WindowTask.newBuilder().setStreamId(stream).setWindowIndex(index)
        .setWindowStartMicros(index * 8_000_000L).setWindowDurationMicros(8_000_000L)
        .setHopMicros(8_000_000L).setGeneration(new GenerationSettings("", "", 42L, STEPS, 4.5,
            null, false)).setChunks(List.of()).setCoveredMicros(8_000_000L)
        .setCompletion(WindowCompletion.COMPLETE).setGapPolicy(GapPolicy.NONE)
        .setAssembledAt(Instant.ofEpochMilli(lastChunkAtMillis + 5))
        .setLastChunkAt(Instant.ofEpochMilli(lastChunkAtMillis)).build();
  }

  private static PendingWindow pending(int partition, long offset, WindowTask task,
      long receivedAt) {
    return new PendingWindow(new ConsumerRecord<>("tasks", partition, offset, new byte[0],
        new byte[0]), task, null, receivedAt);
  }

  private void control(String stream, DeadlineAction action, Long budget) {
    controls.put(stream, StreamControl.newBuilder().setStreamId(stream).setDeadlinePolicy(action)
        .setLatencyBudgetMillis(budget).build());
  }

  private DeadlinePolicy.Decision decideAtLag(String stream, long lagMillis) {
    long now = clock.get();
    return policy.decide(task(stream, 0, now - lagMillis), controls.get(stream), STEPS, now,
        now);
  }

  @Test
  void theDeadlineIsTheLastChunkPlusTheStreamsBudget() {
    WindowTask t = task("a", 0, 5_000);
    assertEquals(5_000 + BUDGET, policy.deadlineMillis(t, null, 9_999));
    control("a", null, 2_000L);
    assertEquals(7_000, policy.deadlineMillis(t, controls.get("a"), 9_999));
    t.setLastChunkAt(null);
    assertEquals(7_005, policy.deadlineMillis(t, controls.get("a"), 9_999),
        "records without the field fall back to their assembly time");
    t.setAssembledAt(null);
    assertEquals(11_999, policy.deadlineMillis(t, controls.get("a"), 9_999),
        "and then to the moment the generator read them");
  }

  @Test
  void queueGeneratesInFullHoweverLate() {
    DeadlinePolicy.Decision d = decideAtLag("q", 10 * BUDGET);
    assertEquals(STEPS, d.steps());
    assertFalse(d.skipped());
    assertTrue(d.late());
  }

  @Test
  void skipDropsOnlyWindowsPastTheirDeadline() {
    control("s", DeadlineAction.SKIP, null);
    assertFalse(decideAtLag("s", BUDGET).skipped(), "at the deadline it is still generated");
    assertEquals(STEPS, decideAtLag("s", BUDGET).steps());
    DeadlinePolicy.Decision late = decideAtLag("s", BUDGET + 1);
    assertTrue(late.skipped());
    assertEquals(0, late.steps());
  }

  @Test
  void degradeStepsDownAsLagGrowsAndBackUpAsItShrinks() {
    control("d", DeadlineAction.DEGRADE, null);
    List<Integer> steps = new ArrayList<>();
    for (long lag : new long[] {0, BUDGET / 2 - 1, BUDGET / 2, 3 * BUDGET / 4, 3 * BUDGET,
        3 * BUDGET / 4 - 1, BUDGET / 4}) {
      DeadlinePolicy.Decision d = decideAtLag("d", lag);
      assertFalse(d.skipped(), "DEGRADE never skips");
      steps.add(d.steps());
    }
    assertEquals(List.of(25, 25, 12, 6, 6, 12, 25), steps);
    assertTrue(decideAtLag("d", BUDGET).degraded());
  }

  @Test
  void degradeThenSkipSkipsOncePastTheDeadline() {
    control("l", DeadlineAction.DEGRADE_THEN_SKIP, null);
    assertEquals(12, decideAtLag("l", BUDGET / 2).steps());
    assertEquals(6, decideAtLag("l", BUDGET).steps());
    assertTrue(decideAtLag("l", BUDGET + 1).skipped());
  }

  @Test
  void batchesAreEarliestDeadlineFirstAcrossPartitions() {
    control("tight", null, 1_000L);
    long now = clock.get();
    BatchPolicy batches = new BatchPolicy(2, 0, policy.order(controls::get, clock::get));
    batches.add(pending(0, 0, task("loose", 0, now - 100), now));
    batches.add(pending(1, 0, task("tight", 0, now - 100), now));
    batches.add(pending(2, 0, task("middle", 0, now - 4_000), now));
    List<String> order = batches.next(now).stream().map(p -> p.task().getStreamId()).toList();
    assertEquals(List.of("tight", "middle"), order);
  }

  @Test
  void aBacklogNeverDelaysALiveWindowByMoreThanOneBatch() {
    // The backlog was consumed long ago (its windows are all past their deadline) and queues;
    // a live window arriving at any moment must be in the next batch formed.
    control("live", DeadlineAction.DEGRADE_THEN_SKIP, null);
    int batchSize = 4;
    BatchPolicy batches = new BatchPolicy(batchSize, 0, policy.order(controls::get, clock::get));
    long consumed = clock.get() - 60_000;
    int backlog = 30;
    for (int k = 0; k < backlog; k++) {
      batches.add(pending(0, k, task("backlog", k, consumed), consumed));
    }
    int liveWindows = 0;
    int batched = 0;
    for (int round = 0; batches.size() > 0; round++) {
      boolean liveArrived = round % 2 == 0;
      if (liveArrived) {
        long now = clock.get();
        batches.add(pending(1, liveWindows, task("live", liveWindows, now), now));
        liveWindows++;
      }
      List<PendingWindow> batch = batches.next(clock.get());
      batched += batch.size();
      long live = batch.stream().filter(p -> p.task().getStreamId().equals("live")).count();
      assertEquals(liveArrived ? 1 : 0, live, "round " + round);
      assertTrue(batches.waiting().stream()
          .noneMatch(p -> p.task().getStreamId().equals("live")),
          "a live window waited beyond the batch formed after it");
      clock.addAndGet(2_000);
    }
    assertEquals(backlog + liveWindows, batched, "every window was batched once");
  }

  @Test
  void aBacklogWithinItsDeadlineCompetesByDeadline() {
    long now = clock.get();
    BatchPolicy batches = new BatchPolicy(1, 0, policy.order(controls::get, clock::get));
    batches.add(pending(0, 0, task("replay", 0, now - 1_000), now));
    batches.add(pending(1, 0, task("live", 0, now), now));
    assertEquals("replay", batches.next(now).get(0).task().getStreamId(),
        "a window that can still be on time and is due first goes first");
  }

  @Test
  void theBudgetIsPositiveAndAStreamsOwnOnlyWhenPositive() {
    assertThrows(IllegalArgumentException.class, () -> new DeadlinePolicy(0,
        DeadlineAction.QUEUE));
    assertEquals(1, new DeadlinePolicy(1, DeadlineAction.QUEUE).budgetMillis(null));
    control("a", null, 0L);
    assertEquals(BUDGET, policy.budgetMillis(controls.get("a")), "0 is no budget");
    control("a", null, 1L);
    assertEquals(1, policy.budgetMillis(controls.get("a")));
  }

  @Test
  void liveWindowsDegradeThenSkipUnlessTheirStreamSaysOtherwise() {
    WindowTask plain = task("a", 0, 0);
    assertEquals(DeadlineAction.QUEUE, policy.action(null, plain), "no grid: the default");
    WindowTask tumbling = task("a", 0, 0);
    tumbling.setGrid(new WindowGrid(WindowMode.TUMBLING, 0L, 0L, 128_000L, 16_000, 0L));
    assertEquals(DeadlineAction.QUEUE, policy.action(null, tumbling));
    WindowTask live = task("a", 0, 0);
    live.setGrid(new WindowGrid(WindowMode.LIVE, 0L, 0L, 30_720L, 16_000, 5_120L));
    assertEquals(DeadlineAction.DEGRADE_THEN_SKIP, policy.action(null, live));
    control("a", DeadlineAction.SKIP, null);
    assertEquals(DeadlineAction.SKIP, policy.action(controls.get("a"), live));
  }

  @Test
  void recordsThatFailedToDecodeComeFirstAndAWindowAtItsDeadlineIsNotLateYet() {
    long now = clock.get();
    PendingWindow failed = new PendingWindow(new ConsumerRecord<>("tasks", 0, 9L, new byte[0],
        new byte[0]), null, new IllegalStateException("undecodable"), now);
    PendingWindow atDeadline = pending(0, 0, task("queue", 0, now - BUDGET), now);
    PendingWindow later = pending(1, 0, task("other", 0, now - BUDGET + 1), now);
    java.util.Comparator<PendingWindow> order = policy.order(controls::get, clock::get);
    List<PendingWindow> sorted = new ArrayList<>(List.of(later, atDeadline, failed));
    sorted.sort(order);
    assertEquals(List.of(failed, atDeadline, later), sorted,
        "at its deadline a queued window still competes by deadline");
    clock.incrementAndGet();
    sorted.sort(order);
    assertEquals(List.of(failed, later, atDeadline), sorted, "a millisecond past it, last");
  }
}
