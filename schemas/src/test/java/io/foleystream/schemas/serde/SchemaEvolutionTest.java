package io.foleystream.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.schemas.SampleRecords;
import io.foleystream.schemas.SchemaEdits;
import io.foleystream.schemas.StreamControl;
import io.foleystream.schemas.StreamState;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.registry.CompatibilityLevel;
import io.foleystream.schemas.registry.IncompatibleSchemaException;
import io.foleystream.schemas.registry.InMemorySchemaRegistry;
import io.foleystream.schemas.registry.SchemaNotFoundException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/**
 * Records written with an older or newer compatible schema read into the current classes, current
 * records read with an older schema, and the serializer's registry settings behave as configured.
 */
class SchemaEvolutionTest {

  private static final String TOPIC = "foley.video.chunks";
  private static final String SUBJECT = TOPIC + "-value";

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

  @Test
  void olderWriterNewerReaderFillsDefaults() throws IOException {
    Schema older = SchemaEdits.withoutFields(VideoChunk.getClassSchema(), "codec", "capturedAt",
        "endOfStream");
    VideoChunk current = SampleRecords.inlineChunk(5);
    GenericRecord old = new GenericData.Record(older);
    for (Schema.Field field : older.getFields()) {
      old.put(field.name(), current.get(field.name()));
    }
    old.put("frameRate", null);

    VideoChunk read = deserialize(writeGeneric(older, old), VideoChunk.class);

    assertEquals(current.getStreamId(), read.getStreamId());
    assertEquals(current.getPtsStartMicros(), read.getPtsStartMicros());
    assertEquals(current.getPayload(), read.getPayload());
    assertNull(read.getCodec(), "a field the writer lacked takes its default");
    assertNull(read.getCapturedAt());
    assertFalse(read.getEndOfStream());
  }

  @Test
  void newerWriterOlderReaderSkipsUnknownFieldsAndSymbols() throws IOException {
    Schema newer = new Schema.Parser().parse(StreamControl.getClassSchema().toString()
        .replace("\"symbols\":[\"STARTED\",\"STOPPED\"]",
            "\"symbols\":[\"STARTED\",\"STOPPED\",\"PAUSED\"]"));
    newer = SchemaEdits.withField(newer,
        "{\"name\": \"volume\", \"type\": \"double\", \"default\": 1.0}");
    GenericRecord record = new GenericData.Record(newer);
    record.put("streamId", "cam-9");
    record.put("state", new GenericData.EnumSymbol(newer.getField("state").schema(), "PAUSED"));
    record.put("prompt", "rain");
    record.put("negativePrompt", "");
    record.put("volume", 0.5);

    StreamControl read = deserialize(writeGeneric(newer, record), StreamControl.class);

    assertEquals("cam-9", read.getStreamId());
    assertEquals("rain", read.getPrompt());
    assertEquals(StreamState.STARTED, read.getState(), "an unknown symbol reads as the default");
  }

  @Test
  void currentWriterOlderReader() throws IOException {
    // capturedAt is the last field: set, it sits after every field the older reader knows, so
    // a serializer that wrote anything but the current schema's layout misreads or fails here.
    Schema older = SchemaEdits.withoutFields(VideoChunk.getClassSchema(), "capturedAt");
    VideoChunk current = SampleRecords.inlineChunk(1);
    current.setCapturedAt(java.time.Instant.ofEpochMilli(1_700_000_000_123L));
    byte[] payload = serializer(Map.of()).serialize(TOPIC, current);

    Schema writer = registry.schemaById(WireFormat.schemaId(payload, TOPIC));
    assertEquals(VideoChunk.getClassSchema(), writer, "the serializer registers the record's"
        + " own schema");
    GenericRecord read = new GenericDatumReader<GenericRecord>(writer, older).read(null,
        DecoderFactory.get().binaryDecoder(Arrays.copyOfRange(payload, 5, payload.length),
            null));

    assertEquals(older.getFields().size(), read.getSchema().getFields().size());
    assertEquals(current.getStreamId(), read.get("streamId").toString());
    assertEquals(current.getSequence(), read.get("sequence"));
    assertEquals(current.getPtsStartMicros(), read.get("ptsStartMicros"));
    assertEquals(current.getDurationMicros(), read.get("durationMicros"));
    assertEquals(current.getMediaType(), read.get("mediaType").toString());
    assertEquals(current.getCodec(), read.get("codec").toString());
    assertEquals(current.getWidth(), read.get("width"));
    assertEquals(current.getHeight(), read.get("height"));
    assertEquals(current.getPayload(), read.get("payload"));
    assertEquals(current.getEndOfStream(), read.get("endOfStream"));
    assertEquals(current, deserialize(payload, VideoChunk.class), "and the current reader gets"
        + " the record back whole");
  }

  @Test
  void useLatestVersionWritesWithTheSubjectsLatestSchema() throws IOException {
    Schema latest = SchemaEdits.withField(VideoChunk.getClassSchema(),
        "{\"name\": \"rotationDegrees\", \"type\": \"int\", \"default\": 90}");
    registry.register(SUBJECT, VideoChunk.getClassSchema());
    int latestId = registry.register(SUBJECT, latest);
    VideoChunk chunk = SampleRecords.inlineChunk(2);

    byte[] payload = serializer(Map.of("use.latest.version", "true",
        "auto.register.schemas", "false")).serialize(TOPIC, chunk);

    assertEquals(latestId, WireFormat.schemaId(payload, TOPIC));
    GenericRecord asLatest = new GenericDatumReader<GenericRecord>(latest).read(null,
        DecoderFactory.get().binaryDecoder(Arrays.copyOfRange(payload, 5, payload.length),
            null));
    assertEquals(90, asLatest.get("rotationDegrees"));
    assertEquals(chunk, deserialize(payload, VideoChunk.class));
  }

  @Test
  void useLatestVersionRefusesALatestSchemaThatCannotReadTheRecord() {
    registry.setCompatibility(SUBJECT, CompatibilityLevel.NONE);
    registry.register(SUBJECT, SchemaEdits.withField(VideoChunk.getClassSchema(),
        "{\"name\": \"rotationDegrees\", \"type\": \"int\"}"));

    SchemaRegistrationException e = assertThrows(SchemaRegistrationException.class,
        () -> serializer(Map.of("use.latest.version", true))
            .serialize(TOPIC, SampleRecords.inlineChunk(0)));
    assertTrue(e.getMessage().contains("rotationDegrees"), e.getMessage());
    assertTrue(e.getMessage().contains("it cannot read the record's schema"), e.getMessage());
    assertFalse(e.recordAtFault());
  }

  @Test
  void withoutAutoRegistrationAnUnregisteredSchemaFails() {
    SchemaRegistrationException e = assertThrows(SchemaRegistrationException.class,
        () -> serializer(Map.of("auto.register.schemas", "false"))
            .serialize(TOPIC, SampleRecords.inlineChunk(0)));
    assertInstanceOf(SchemaNotFoundException.class, e.getCause());
    assertTrue(e.getMessage().contains("auto.register.schemas"), e.getMessage());
  }

  @Test
  void withoutAutoRegistrationARegisteredSchemaIsLookedUp() {
    int id = registry.register(SUBJECT, VideoChunk.getClassSchema());

    byte[] payload = serializer(Map.of("auto.register.schemas", "false"))
        .serialize(TOPIC, SampleRecords.inlineChunk(0));

    assertEquals(id, WireFormat.schemaId(payload, TOPIC));
  }

  @Test
  void anIncompatibleSchemaIsReportedWithTheSubject() {
    registry.register(SUBJECT, SchemaEdits.withField(
        SchemaEdits.withoutFields(VideoChunk.getClassSchema(), "streamId"),
        "{\"name\": \"cameraId\", \"type\": \"int\"}"));

    SchemaRegistrationException e = assertThrows(SchemaRegistrationException.class,
        () -> serializer(Map.of()).serialize(TOPIC, SampleRecords.inlineChunk(0)));
    assertInstanceOf(IncompatibleSchemaException.class, e.getCause());
    assertTrue(e.getMessage().contains("registering the schema under subject '" + SUBJECT + "'"),
        e.getMessage());
    assertTrue(e.getMessage().contains("streamId"), e.getMessage());
  }

  @Test
  void recordNameStrategyNamesTheSubjectAfterTheRecord() {
    serializer(Map.of("value.subject.name.strategy",
        "io.confluent.kafka.serializers.subject.RecordNameStrategy"))
        .serialize(TOPIC, SampleRecords.inlineChunk(0));

    assertEquals(1, registry.latest("io.foleystream.schemas.VideoChunk").version());
    assertThrows(SchemaNotFoundException.class, () -> registry.latest(SUBJECT));
  }

  @Test
  void keysUseTheKeySubject() {
    SpecificAvroSerializer<VideoChunk> serializer = new SpecificAvroSerializer<>(registry);
    serializer.configure(Map.of(), true);

    serializer.serialize(TOPIC, SampleRecords.inlineChunk(0));

    assertEquals(1, registry.latest(TOPIC + "-key").version());
  }

  private SpecificAvroSerializer<VideoChunk> serializer(Map<String, ?> configs) {
    SpecificAvroSerializer<VideoChunk> serializer = new SpecificAvroSerializer<>(registry);
    serializer.configure(configs, false);
    return serializer;
  }

  private <T extends org.apache.avro.specific.SpecificRecord> T deserialize(byte[] payload,
      Class<T> type) {
    SpecificAvroDeserializer<T> deserializer = new SpecificAvroDeserializer<>(type, registry);
    deserializer.configure(Map.of(), false);
    return deserializer.deserialize(TOPIC, payload);
  }

  private byte[] writeGeneric(Schema schema, GenericRecord record) throws IOException {
    registry.setCompatibility(SUBJECT, CompatibilityLevel.NONE);
    int id = registry.register(SUBJECT, schema);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(WireFormat.header(id));
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
    encoder.flush();
    assertEquals(id, ByteBuffer.wrap(out.toByteArray(), 1, 4).getInt());
    return out.toByteArray();
  }

  @Test
  void useLatestVersionWithTheRecordsOwnSchemaWritesItAsItIs() {
    int id = registry.register(SUBJECT, VideoChunk.getClassSchema());
    VideoChunk chunk = SampleRecords.inlineChunk(3);
    byte[] payload = serializer(Map.of("use.latest.version", "true")).serialize(TOPIC, chunk);
    assertEquals(id, WireFormat.schemaId(payload, TOPIC));
    assertEquals(chunk, deserialize(payload, VideoChunk.class));
  }

  @Test
  void withoutStrictCompatibilityALatestSchemaThatCannotReadTheRecordFailsWhileWriting() {
    registry.setCompatibility(SUBJECT, CompatibilityLevel.NONE);
    registry.register(SUBJECT, SchemaEdits.withField(VideoChunk.getClassSchema(),
        "{\"name\": \"rotationDegrees\", \"type\": \"int\"}"));
    SchemaRegistrationException e = assertThrows(SchemaRegistrationException.class,
        () -> serializer(Map.of("use.latest.version", true,
            "latest.compatibility.strict", false)).serialize(TOPIC, SampleRecords.inlineChunk(0)));
    assertFalse(e.getMessage().contains("it cannot read the record's schema"), e.getMessage());
    assertTrue(e.getMessage().contains("with the latest schema"), e.getMessage());
  }

  @Test
  void aDeserializerUsedBeforeConfigureSaysSo() {
    SpecificAvroDeserializer<VideoChunk> deserializer = new SpecificAvroDeserializer<>(
        VideoChunk.class, registry);
    assertThrows(IllegalStateException.class,
        () -> deserializer.deserialize(TOPIC, new byte[] {0, 0, 0, 0, 1}));
  }

  @Test
  void aSerializerLooksUpWhenItMayNotRegisterAndKeepsASharedRegistry() {
    SpecificAvroSerializer<VideoChunk> serializer = new SpecificAvroSerializer<>(registry);
    assertThrows(IllegalStateException.class,
        () -> serializer.serialize("t", SampleRecords.inlineChunk(0)), "before configure()");
    serializer.configure(Map.of(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "false",
        "schema.registry.url", "mock://a-scope-the-shared-registry-wins"), false);
    SchemaRegistrationException e = assertThrows(SchemaRegistrationException.class,
        () -> serializer.serialize("t", SampleRecords.inlineChunk(0)));
    assertTrue(e.getMessage().startsWith("cannot serialize a record for topic 't':"
        + " looking up the schema under subject 't-value' failed"), e.getMessage());
    int id = registry.register("t-value", SampleRecords.inlineChunk(0).getSchema());
    assertEquals(id, ByteBuffer.wrap(serializer.serialize("t",
        SampleRecords.inlineChunk(0)), 1, 4).getInt(), "found in the shared registry");
  }

  @Test
  void aSerializerWithoutASharedRegistryUsesTheConfiguredOne() {
    SpecificAvroSerializer<VideoChunk> own = new SpecificAvroSerializer<>();
    own.configure(Map.of("schema.registry.url", "mock://evolution-own"), false);
    try {
      byte[] payload = own.serialize(TOPIC, SampleRecords.inlineChunk(0));
      assertEquals(InMemorySchemaRegistry.forScope("evolution-own").latest(SUBJECT).id(),
          WireFormat.schemaId(payload, TOPIC));
    } finally {
      InMemorySchemaRegistry.dropScope("evolution-own");
    }
  }
}
