package io.foleystream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.foleystream.devstack.EmbeddedKafkaBroker;
import io.foleystream.schemas.StreamControl;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The in-process broker takes transactional writes that a read_committed consumer then sees. */
@ExtendWith(DevStackExtension.class)
class BrokerRoundTripIT {

  @Test
  void transactionalAvroRecordsReachAReadCommittedConsumer(EmbeddedKafkaBroker broker)
      throws Exception {
    String topic = "it.broker.roundtrip";
    Topics.create(broker, topic);
    List<StreamControl> sent = List.of(
        StreamControl.newBuilder().setStreamId("cam-1").setPrompt("rain on a tin roof").build(),
        StreamControl.newBuilder().setStreamId("cam-2").setPrompt("crowd cheering").build());

    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-roundtrip"),
        new StringSerializer(), new ByteArraySerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      for (StreamControl control : sent) {
        producer.send(new ProducerRecord<>(topic, control.getStreamId(), encode(control)));
      }
      producer.commitTransaction();
    }

    List<StreamControl> received = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, "it-roundtrip",
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(Set.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (received.size() < sent.size() && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          StreamControl control = decode(record.value());
          assertEquals(control.getStreamId(), record.key());
          received.add(control);
        }
      }
    }
    assertEquals(sent, received);
  }

  private static byte[] encode(StreamControl control) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new SpecificDatumWriter<>(StreamControl.class).write(control, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  private static StreamControl decode(byte[] bytes) throws IOException {
    return new SpecificDatumReader<>(StreamControl.class)
        .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
  }
}
