package io.foleystream.topology.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LiveScheduleTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  void liveChunksGoOutTheDelayAfterTheyArrive() {
    LiveSchedule schedule = new LiveSchedule(10 * SECOND);
    long t0 = 1000 * SECOND;
    for (int k = 0; k < 5; k++) {
      long arrival = t0 + k * 2 * SECOND + 300_000_000L * (k % 2);
      assertEquals(arrival + 10 * SECOND, schedule.releaseAt((k + 1) * 2_000_000L, arrival),
          "chunk " + k);
    }
  }

  @Test
  void aBacklogIsPacedByItsStreamTime() {
    LiveSchedule schedule = new LiveSchedule(3 * SECOND);
    long t0 = 50 * SECOND;
    // Ten 2 s chunks all arriving at once: each goes out 2 s after the one before.
    for (int k = 0; k < 10; k++) {
      assertEquals(t0 + k * 2 * SECOND + 3 * SECOND,
          schedule.releaseAt(7_000_000L + (k + 1) * 2_000_000L, t0), "chunk " + k);
    }
  }

  @Test
  void aNegativeDelayIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> new LiveSchedule(-1));
    assertEquals(7 * SECOND, new LiveSchedule(0).releaseAt(2_000_000L, 7 * SECOND),
        "no delay: released as it arrives");
  }
}
