package io.foleystream.topology.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

class HealthTest {

  @Test
  void readyOnlyWhenEveryPartRunsAndLiveUntilOneFails() {
    Health running = new Health(KafkaStreams.State.RUNNING, "RUNNING", false);
    assertTrue(running.live() && running.ready());
    Health rebalancing = new Health(KafkaStreams.State.REBALANCING, "RUNNING", false);
    assertTrue(rebalancing.live());
    assertFalse(rebalancing.ready());
    assertFalse(new Health(KafkaStreams.State.ERROR, "RUNNING", false).live());
    assertFalse(new Health(KafkaStreams.State.RUNNING, "FAILED", false).live());
    Health retrying = new Health(KafkaStreams.State.RUNNING, "RETRYING", false);
    assertTrue(retrying.live());
    assertFalse(retrying.ready());
    Health generatorOnly = new Health(null, "RUNNING", false);
    assertTrue(generatorOnly.ready());
    assertEquals("{\"live\":true,\"ready\":true,\"assembler\":null,\"generator\":\"RUNNING\""
        + ",\"lagging\":false}", generatorOnly.json());
    Health lagging = new Health(KafkaStreams.State.RUNNING, "RUNNING", false, true);
    assertTrue(lagging.live(), "a lagging process is kept");
    assertFalse(lagging.ready(), "a lagging process takes no more traffic");
    Health closing = new Health(KafkaStreams.State.PENDING_SHUTDOWN, "STOPPED", true);
    assertTrue(closing.live());
    assertFalse(closing.ready());
  }
}
