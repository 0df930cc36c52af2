package io.foleystream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.devstack.ApicurioRegistryServer;
import io.foleystream.devstack.EmbeddedKafkaBroker;
import io.foleystream.schemas.SampleRecords;
import io.foleystream.schemas.SchemaEdits;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.registry.CompatibilityLevel;
import io.foleystream.schemas.registry.IncompatibleSchemaException;
import io.foleystream.schemas.registry.SchemaRegistries;
import io.foleystream.schemas.registry.SchemaRegistry;
import io.foleystream.schemas.registry.SubjectRegistrar;
import io.foleystream.schemas.serde.SchemaRegistrationException;
import io.foleystream.schemas.serde.SpecificAvroDeserializer;
import io.foleystream.schemas.serde.SpecificAvroSerializer;
import io.foleystream.schemas.serde.WireFormat;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The evolution policy against a real Apicurio Registry: subjects are BACKWARD, compatible changes
 * register, a breaking change is refused with HTTP 409 and reported clearly, and a record written
 * with an older schema reads into the current class.
 */
@ExtendWith(DevStackExtension.class)
class SchemaCompatibilityIT {

  private static final Schema CURRENT = VideoChunk.getClassSchema();

  @Test
  void backwardSubjectsAcceptCompatibleChangesAndRefuseBreakingOnes(
      ApicurioRegistryServer server) {
    SchemaRegistry registry = registry(server);
    String subject = "it.compat.policy-value";
    Schema evolved = SchemaEdits.withField(CURRENT,
        "{\"name\": \"rotationDegrees\", \"type\": \"int\", \"default\": 0}");
    Schema breaking = SchemaEdits.withField(evolved,
        "{\"name\": \"cameraModel\", \"type\": \"string\"}");

    assertTrue(registry.testCompatibility(subject, breaking).compatible(),
        "a subject that does not exist yet accepts anything");
    int first = new SubjectRegistrar(registry).register(subject, CURRENT);
    assertEquals(CompatibilityLevel.BACKWARD, registry.compatibility(subject));
    int second = registry.register(subject, evolved);
    assertTrue(second != first);
    assertTrue(registry.testCompatibility(subject, evolved).compatible());
    assertFalse(registry.testCompatibility(subject, breaking).compatible());

    IncompatibleSchemaException refused = assertThrows(IncompatibleSchemaException.class,
        () -> registry.register(subject, breaking));
    assertEquals(409, refused.status());
    assertTrue(refused.getMessage().contains(subject), refused.getMessage());
    assertTrue(refused.getMessage().contains("cameraModel"), refused.getMessage());
    assertEquals(2, registry.latest(subject).version(), "the refused schema was not added");
  }

  @Test
  void theSerializerReportsARefusedSchemaWithItsSubject(ApicurioRegistryServer server) {
    SchemaRegistry registry = registry(server);
    String topic = "it.compat.refused";
    String subject = topic + "-value";
    Schema other = SchemaEdits.withField(SchemaEdits.withoutFields(CURRENT, "streamId"),
        "{\"name\": \"cameraId\", \"type\": \"int\"}");
    new SubjectRegistrar(registry).register(subject, other);
    SpecificAvroSerializer<VideoChunk> serializer = new SpecificAvroSerializer<>();
    serializer.configure(Map.of("schema.registry.url", server.confluentApiUrl()), false);

    SchemaRegistrationException e = assertThrows(SchemaRegistrationException.class,
        () -> serializer.serialize(topic, SampleRecords.inlineChunk(0)));

    assertInstanceOf(IncompatibleSchemaException.class, e.getCause());
    assertTrue(e.getMessage().contains("incompatible"), e.getMessage());
    assertTrue(e.getMessage().contains(subject), e.getMessage());
    assertFalse(e.recordAtFault());
  }

  @Test
  void aRecordWrittenWithAnOlderSchemaReadsIntoTheCurrentClass(EmbeddedKafkaBroker broker,
      ApicurioRegistryServer server) throws Exception {
    SchemaRegistry registry = registry(server);
    String topic = "it.compat.older";
    Topics.create(broker, topic);
    Schema older = SchemaEdits.withoutFields(CURRENT, "codec", "capturedAt");
    int olderId = new SubjectRegistrar(registry).register(topic + "-value", older);
    VideoChunk expected = SampleRecords.referencedLastChunk();
    GenericRecord record = new GenericData.Record(older);
    older.getFields().forEach(field -> record.put(field.name(), expected.get(field.name())));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(WireFormat.header(olderId));
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    // SpecificData writes the generated records nested in the generic one.
    new GenericDatumWriter<GenericRecord>(older, SpecificData.get())
        .write(record, encoder);
    encoder.flush();
    Topics.produce(broker, topic, new ByteArraySerializer(), List.of("cam-1"),
        List.of(out.toByteArray()));
    SpecificAvroDeserializer<VideoChunk> deserializer =
        new SpecificAvroDeserializer<>(VideoChunk.class);
    deserializer.configure(Map.of("schema.registry.url", server.confluentApiUrl()), false);

    VideoChunk read = Topics.consume(broker, topic, deserializer, 1).get(0).value();

    assertEquals(expected, read);
    assertNull(read.getCodec());
  }

  private static SchemaRegistry registry(ApicurioRegistryServer server) {
    return SchemaRegistries.fromConfigs(Map.of("schema.registry.url", server.confluentApiUrl()));
  }
}
