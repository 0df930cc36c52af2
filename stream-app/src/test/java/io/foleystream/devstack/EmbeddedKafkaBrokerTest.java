package io.foleystream.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stopped and restarted broker comes back on the same address with its data: a topic, a record
 * committed in a transaction before the outage, and the transactional id, which goes on
 * committing after it.
 */
class EmbeddedKafkaBrokerTest {

  private static final String TOPIC = "restart-test";

  @Test
  void aRestartedBrokerKeepsItsAddressTopicsAndCommittedRecords(@TempDir Path dir)
      throws Exception {
    Path logDir = dir.resolve("kafka");
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(logDir, false)) {
      String address = broker.bootstrapServers();
      try (Admin admin = admin(address)) {
        admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
      }
      commit(address, "before");

      broker.stop();
      assertFalse(broker.isRunning());
      try (Admin admin = admin(address)) {
        // The admin client gives up after its 2 s API timeout, or the wait does after 5 s.
        assertThrows(Exception.class,
            () -> admin.describeCluster().nodes().get(5, TimeUnit.SECONDS),
            "nothing answers while the broker is stopped");
      }

      broker.restart();
      assertTrue(broker.isRunning());
      assertEquals(address, broker.bootstrapServers());
      assertTrue(Files.isDirectory(logDir));
      commit(address, "after");
      assertEquals(List.of("before", "after"), readCommitted(address, 2));
    }
  }

  private static Admin admin(String address) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, address,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000));
  }

  private static void commit(String address, String value) {
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, address,
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, "restart-test-producer"),
        new StringSerializer(), new StringSerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(TOPIC, value));
      producer.commitTransaction();
    }
  }

  private static List<String> readCommitted(String address, int count) {
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, address,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(),
        new StringDeserializer())) {
      TopicPartition partition = new TopicPartition(TOPIC, 0);
      consumer.assign(Set.of(partition));
      consumer.seekToBeginning(Set.of(partition));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (values.size() < count && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
      }
    }
    return values;
  }
}
