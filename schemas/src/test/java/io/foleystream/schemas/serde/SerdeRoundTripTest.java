package io.foleystream.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.SampleRecords;
import io.foleystream.schemas.TopLevelSchemas;
import io.foleystream.schemas.registry.InMemorySchemaRegistry;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every top-level record type survives the serdes unchanged, framed in the wire format. */
class SerdeRoundTripTest {

  private static final String TOPIC = "foley.roundtrip";

  static Stream<SpecificRecord> samples() {
    return SampleRecords.all().stream();
  }

  @ParameterizedTest(name = "{index}: {0}")
  @MethodSource("samples")
  <T extends SpecificRecord> void recordRoundTripsThroughTheSerdes(T record) {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    @SuppressWarnings("unchecked")
    Class<T> type = (Class<T>) record.getClass();
    SpecificAvroSerde<T> serde = new SpecificAvroSerde<>(type, registry);
    serde.configure(Map.of(), false);

    byte[] payload = serde.serializer().serialize(TOPIC, record);
    T decoded = serde.deserializer().deserialize(TOPIC, payload);

    assertEquals(record, decoded);
    assertEquals(WireFormat.MAGIC_BYTE, payload[0]);
    int id = registry.lookup(TOPIC + "-value", record.getSchema()).id();
    assertEquals(id, ByteBuffer.wrap(payload, 1, 4).getInt());
  }

  @Test
  void samplesCoverEveryTopLevelSchema() {
    Set<String> sampled = SampleRecords.all().stream()
        .map(record -> record.getSchema().getFullName()).collect(Collectors.toSet());
    for (Schema schema : TopLevelSchemas.all()) {
      assertTrue(sampled.contains(schema.getFullName()), "no sample of " + schema.getFullName());
    }
  }

  @Test
  void aSerdeCreatedByNameGetsItsClassAndRegistryFromTheConfiguration() {
    SpecificAvroSerde<AudioChunk> serde = new SpecificAvroSerde<>();
    serde.configure(Map.of("schema.registry.url", "mock://round-trip",
        "specific.avro.value.type", AudioChunk.class.getName()), false);
    try {
      byte[] payload = serde.serializer().serialize(TOPIC, SampleRecords.audioChunk());

      assertEquals(SampleRecords.audioChunk(), serde.deserializer().deserialize(TOPIC, payload));
      assertEquals(1, InMemorySchemaRegistry.forScope("round-trip")
          .latest(TOPIC + "-value").version());
    } finally {
      InMemorySchemaRegistry.dropScope("round-trip");
    }
  }

  @Test
  void aDeserializerWithoutRecordClassSaysWhichSettingIsMissing() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new SpecificAvroDeserializer<>().configure(
            Map.of("schema.registry.url", "mock://x"), true));
    assertTrue(e.getMessage().contains("specific.avro.key.type"), e.getMessage());
  }

  @Test
  void nullIsATombstoneBothWays() {
    SpecificAvroSerde<io.foleystream.schemas.StreamControl> serde = new SpecificAvroSerde<>(
        io.foleystream.schemas.StreamControl.class, new InMemorySchemaRegistry());
    serde.configure(Map.of(), false);

    assertNull(serde.serializer().serialize(TOPIC, null));
    assertNull(serde.deserializer().deserialize(TOPIC, null));
  }
}
