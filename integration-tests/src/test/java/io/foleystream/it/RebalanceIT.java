package io.foleystream.it;

import static io.foleystream.it.PipelineHarness.await;
import static io.foleystream.it.PipelineHarness.generated;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.config.ConfigKeys;
import io.foleystream.devstack.ApicurioRegistryServer;
import io.foleystream.devstack.EmbeddedKafkaBroker;
import io.foleystream.topology.FoleystreamApp;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A second instance joins while the first generates three streams on two partitions: the
 * cooperative rebalance moves a partition, possibly one of the batch the first instance is
 * generating (whose part of it is then thrown away and generated again by the new owner). Both
 * instances keep running; every stream's audio is complete, each audio chunk and the one dead
 * letter committed once, and each window committed by one instance only.
 */
@ExtendWith(DevStackExtension.class)
class RebalanceIT {

  private static final int PARTITIONS = 2;

  @Test
  void aSecondInstanceJoiningMidBatchTakesPartitionsWithEachChunkOnce(
      EmbeddedKafkaBroker broker, ApicurioRegistryServer registry) throws Exception {
    FaultWorkload workload = new FaultWorkload(3, PARTITIONS, 24);
    PipelineHarness harness = new PipelineHarness(broker, registry, "it-rebalance");
    // Two thirds of the windows before the second instance joins, the rest after, so that the
    // moved partition still has windows to generate however fast the first instance is.
    int before = workload.chunks() * 2 / 3;
    try (FoleystreamApp first = FoleystreamApp.start(harness.config(
        PipelineHarness.tempDir("rebalance-a"), PARTITIONS, 4, Map.of(
            ConfigKeys.INSTANCE_ID.name(), "a", ConfigKeys.BATCH_SIZE.name(), "2")));
        KafkaProducer<String, byte[]> producer = harness.rawProducer()) {
      await(() -> first.health().ready(), "the first instance ready");
      workload.send(harness, producer, 0, before);
      await(() -> generated(first) >= 1, "the first instance generating");
      try (FoleystreamApp second = FoleystreamApp.start(harness.config(
          PipelineHarness.tempDir("rebalance-b"), PARTITIONS, 4, Map.of(
              ConfigKeys.INSTANCE_ID.name(), "b", ConfigKeys.BATCH_SIZE.name(), "2")))) {
        await(() -> first.health().ready() && second.health().ready(), "both instances ready");
        workload.send(harness, producer, before, workload.chunks());
        workload.assertExactlyOnce(harness, Duration.ofMinutes(3));
        assertTrue(generated(second) >= 1, "a partition moved to the second instance");
        assertEquals(workload.windows(), generated(first) + generated(second),
            "each window committed by one instance, once");
        assertTrue(first.health().live() && second.health().live(), "both still running");
      }
    }
  }
}
