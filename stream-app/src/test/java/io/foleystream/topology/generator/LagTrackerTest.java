package io.foleystream.topology.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.foleystream.schemas.DeadlineAction;
import io.foleystream.schemas.GapPolicy;
import io.foleystream.schemas.GenerationSettings;
import io.foleystream.schemas.StreamControl;
import io.foleystream.schemas.WindowCompletion;
import io.foleystream.schemas.WindowTask;
import io.foleystream.topology.operations.LagMeters;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Per-stream lag, the oldest lag, and deadline misses, on a fake clock. */
class LagTrackerTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final LagMeters meters = new LagMeters(registry);
  private final Map<String, StreamControl> controls = Map.of("live", StreamControl.newBuilder()
      .setStreamId("live").setDeadlinePolicy(DeadlineAction.DEGRADE_THEN_SKIP)
      .setLatencyBudgetMillis(4_000L).build());
  private final LagTracker tracker = new LagTracker(new WindowPlanner(controls::get,
      new WindowPlanner.Defaults("", "", 42L, 25, 4.5),
      new DeadlinePolicy(10_000, DeadlineAction.QUEUE), d -> { }), meters);

  private static PendingWindow window(String stream, long index, long readyAt) {
    WindowTask task = WindowTask.newBuilder().setStreamId(stream).setWindowIndex(index)
        .setWindowStartMicros(0).setWindowDurationMicros(8_000_000L).setHopMicros(8_000_000L)
        .setGeneration(new GenerationSettings("", "", 42L, 25, 4.5, null, false)).setChunks(List.of())
        .setCoveredMicros(8_000_000L).setCompletion(WindowCompletion.COMPLETE)
        .setGapPolicy(GapPolicy.NONE).setLastChunkAt(Instant.ofEpochMilli(readyAt)).build();
    return new PendingWindow(new ConsumerRecord<>("tasks", 0, index, new byte[0], new byte[0]),
        task, null, readyAt + 10);
  }

  private Double gauge(String name, String stream) {
    var search = registry.find(name);
    var g = (stream == null ? search : search.tag("stream", stream)).gauge();
    return g == null ? null : g.value();
  }

  @Test
  void eachStreamsLagIsItsOldestWaitingWindowAndGoesWhenNothingWaits() {
    tracker.observe(List.of(window("a", 0, 1_000), window("a", 1, 5_000),
        window("b", 0, 8_000)), 10_000);
    assertEquals(9.0, gauge("foleystream.stream.lag", "a"));
    assertEquals(2.0, gauge("foleystream.stream.lag", "b"));
    assertEquals(9.0, gauge("foleystream.generation.lag", null));
    assertEquals(9_000, meters.maxLagMillis());
    tracker.observe(List.of(window("b", 0, 8_000)), 11_000);
    assertNull(gauge("foleystream.stream.lag", "a"), "a stream with nothing waiting has no lag");
    assertEquals(3.0, gauge("foleystream.generation.lag", null));
    tracker.observe(List.of(), 12_000);
    assertEquals(0.0, gauge("foleystream.generation.lag", null));
  }

  @Test
  void windowsCommittedAfterTheirDeadlineAreCountedByPolicy() {
    tracker.committed(List.of(window("live", 0, 1_000), window("live", 1, 3_000),
        window("replay", 0, 0)), 6_000);
    assertEquals(1.0, registry.get("foleystream.windows.deadline.missed")
        .tag("policy", "degrade-then-skip").counter().count(), "deadline 5 s passed, 7 s not");
    assertNull(registry.find("foleystream.windows.deadline.missed").tag("policy", "queue")
        .counter(), "the replay's deadline (10 s) is ahead");
  }
}
