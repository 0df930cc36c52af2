package io.foleystream.it;

import static io.foleystream.it.PipelineHarness.await;
import static io.foleystream.it.PipelineHarness.generated;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * The broker goes down while the application generates three streams on two partitions, and
 * comes back on the same port with the same data. The outage outlasts the producers' blocking
 * timeout, so a transaction that meets it fails: the generator aborts it and generates its batch
 * again, the assembler replaces its failed stream thread. The application runs through it and,
 * once the broker is back, every stream's audio is complete and each audio chunk and the one
 * dead letter are committed once.
 */
@ExtendWith(DevStackExtension.class)
class BrokerRestartIT {

  private static final int PARTITIONS = 2;
  /**
   * Long enough for the batch being generated when the broker stops to reach its commit during
   * the outage, and four times the producers' {@code max.block.ms} set below: their calls time
   * out, as they would in an outage of minutes with the default 60 s.
   */
  private static final Duration OUTAGE = Duration.ofSeconds(8);

  @Test
  void theApplicationRunsThroughABrokerRestartAndPublishesEachChunkOnce(
      EmbeddedKafkaBroker broker, ApicurioRegistryServer registry) throws Exception {
    FaultWorkload workload = new FaultWorkload(3, PARTITIONS, 24);
    PipelineHarness harness = new PipelineHarness(broker, registry, "it-broker-restart");
    int half = workload.chunks() / 2;
    try (FoleystreamApp app = FoleystreamApp.start(harness.config(
        PipelineHarness.tempDir("broker-restart"), PARTITIONS, 4,
        Map.of(ConfigKeys.BATCH_SIZE.name(), "2", "producer.max.block.ms", "2000",
            // A member whose thread failed in the outage is noticed after this, not 45 s.
            "session.timeout.ms", "6000", "heartbeat.interval.ms", "1000")));
        KafkaProducer<String, byte[]> producer = harness.rawProducer()) {
      await(() -> app.health().ready(), "the application ready");
      workload.send(harness, producer, 0, half);
      await(() -> generated(app) >= 1, "the first window generated");

      broker.stop();
      Thread.sleep(OUTAGE.toMillis());
      broker.restart();

      workload.send(harness, producer, half, workload.chunks());
      workload.assertExactlyOnce(harness, Duration.ofMinutes(3));
      assertEquals(workload.windows(), generated(app), "each window committed once");
      await(() -> app.health().ready(), "the application ready again after the outage");
    }
  }
}
