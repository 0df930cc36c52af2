package io.foleystream.topology.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.foleystream.schemas.StreamControl;
import io.foleystream.schemas.registry.InMemorySchemaRegistry;
import io.foleystream.schemas.serde.SpecificAvroSerde;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The generator's view of the control topic: the latest record per stream. */
class ControlViewTest {

  private static final String SCOPE = "control-view-test";
  private static final TopicPartition P0 = new TopicPartition("control", 0);
  private static final TopicPartition P1 = new TopicPartition("control", 1);

  private final SpecificAvroSerde<StreamControl> serde = new SpecificAvroSerde<>(
      StreamControl.class);

  @AfterEach
  void tearDown() {
    InMemorySchemaRegistry.dropScope(SCOPE);
  }

  private byte[] bytes(StreamControl control) {
    return serde.serializer().serialize("control", control);
  }

  @Test
  void catchingUpKeepsTheLatestRecordPerStreamAndForgetsTombstonedOnes() {
    serde.configure(Map.of("schema.registry.url", "mock://" + SCOPE), false);
    MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    Node node = new Node(0, "localhost", 9092);
    consumer.updatePartitions("control", List.of(
        new PartitionInfo("control", 0, node, new Node[0], new Node[0]),
        new PartitionInfo("control", 1, node, new Node[0], new Node[0])));
    consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
    consumer.updateEndOffsets(Map.of(P0, 4L, P1, 1L));
    consumer.schedulePollTask(() -> {
      consumer.addRecord(new ConsumerRecord<>("control", 0, 0, "a",
          bytes(StreamControl.newBuilder().setStreamId("a").setPrompt("rain").build())));
      consumer.addRecord(new ConsumerRecord<>("control", 0, 1, "a",
          bytes(StreamControl.newBuilder().setStreamId("a").setPrompt("wind").build())));
      consumer.addRecord(new ConsumerRecord<>("control", 0, 2, "gone",
          bytes(StreamControl.newBuilder().setStreamId("gone").build())));
      consumer.addRecord(new ConsumerRecord<>("control", 0, 3, "gone", null));
      consumer.addRecord(new ConsumerRecord<>("control", 1, 0, "b", new byte[] {7, 7}));
    });
    ControlView view = new ControlView(consumer, serde.deserializer(), "control");

    view.catchUp();

    assertEquals("wind", view.latest("a").getPrompt());
    assertNull(view.latest("gone"), "a tombstone forgets the stream");
    assertNull(view.latest("b"), "an undecodable record is skipped");
    assertEquals(1, view.size());
    view.close();
  }
}
