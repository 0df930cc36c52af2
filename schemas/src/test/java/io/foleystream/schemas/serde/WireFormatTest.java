package io.foleystream.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.SampleRecords;
import io.foleystream.schemas.StreamControl;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.registry.InMemorySchemaRegistry;
import io.foleystream.schemas.registry.RegistryUnavailableException;
import io.foleystream.schemas.registry.SchemaNotFoundException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Arrays;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * The bytes follow the published Confluent wire format (magic byte 0, big-endian 4-byte schema id,
 * Avro binary body), and malformed payloads fail with their own exception types.
 */
class WireFormatTest {

  private static final String TOPIC = "foley.control";

  @Test
  void headerIsMagicByteThenBigEndianId() {
    assertArrayEquals(new byte[] {0, 0x01, 0x02, 0x03, 0x04}, WireFormat.header(0x01020304));
    assertEquals(0x01020304, WireFormat.schemaId(new byte[] {0, 1, 2, 3, 4, 99}, TOPIC));
    assertEquals(7, WireFormat.schemaId(new byte[] {0, 0, 0, 0, 7}, TOPIC), "a header alone");
  }

  @Test
  void serializedBytesMatchTheFormatByteForByte() {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    registry.register("other-1", Schema.create(Schema.Type.STRING));
    registry.register("other-2", Schema.create(Schema.Type.LONG));
    SpecificAvroSerializer<StreamControl> serializer = new SpecificAvroSerializer<>(registry);
    serializer.configure(Map.of(), false);

    byte[] payload = serializer.serialize(TOPIC,
        StreamControl.newBuilder().setStreamId("cam-2").build());

    byte[] expected = {
        0, 0, 0, 0, 3,                     // magic byte, schema id 3 (the third registered)
        0x0a, 'c', 'a', 'm', '-', '2',     // streamId: zig-zag length 5, UTF-8 bytes
        0,                                 // state: enum index 0 (STARTED)
        0,                                 // prompt: union branch 0 (null)
        0,                                 // negativePrompt: union branch 0 (null)
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,   // seed ... deadlinePolicy: union branch 0 (null)
        0};                                // maskAwayClip: union branch 0 (null)
    assertArrayEquals(expected, payload);
  }

  @Test
  void handWrittenBytesDeserialize() {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    int id = registry.register(TOPIC + "-value", StreamControl.getClassSchema());
    SpecificAvroDeserializer<StreamControl> deserializer =
        new SpecificAvroDeserializer<>(StreamControl.class, registry);
    deserializer.configure(Map.of(), false);
    byte[] payload = {0, 0, 0, 0, (byte) id, 0x02, 'x', 2, 2, 0x04, 'h', 'i', 0,
        2, 0x54, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 1};

    StreamControl control = deserializer.deserialize(TOPIC, payload);

    assertEquals("x", control.getStreamId());
    assertEquals(io.foleystream.schemas.StreamState.STOPPED, control.getState());
    assertEquals("hi", control.getPrompt());
    assertEquals(42L, control.getSeed());
    assertEquals(Boolean.TRUE, control.getMaskAwayClip(), "union branch 1, boolean 1");
  }

  @Test
  void unknownMagicByteIsRejected() {
    byte[] payload = serialize(SampleRecords.control());
    payload[0] = 1;

    UnknownMagicByteException e =
        assertThrows(UnknownMagicByteException.class, () -> deserialize(payload));
    assertTrue(e.getMessage().contains("0x01"), e.getMessage());
    assertTrue(e.recordAtFault());
  }

  @Test
  void payloadsShorterThanTheHeaderAreTruncated() {
    assertThrows(TruncatedPayloadException.class, () -> deserialize(new byte[0]));
    TruncatedPayloadException e = assertThrows(TruncatedPayloadException.class,
        () -> deserialize(new byte[] {0, 0, 0}));
    assertTrue(e.getMessage().contains("3 bytes"), e.getMessage());
  }

  @Test
  void aBodyCutShortIsTruncated() {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    byte[] payload = serialize(registry, SampleRecords.audioChunk());
    byte[] cut = Arrays.copyOf(payload, payload.length - 20);

    TruncatedPayloadException e = assertThrows(TruncatedPayloadException.class,
        () -> deserializer(registry, AudioChunk.class).deserialize(TOPIC, cut));
    assertTrue(e.recordAtFault());
  }

  @Test
  void unknownSchemaIdIsRejectedWithTheRegistrysAnswer() {
    byte[] payload = serialize(SampleRecords.control());
    payload[4] = 77;

    UnknownSchemaIdException e = assertThrows(UnknownSchemaIdException.class,
        () -> deserialize(payload));
    assertInstanceOf(SchemaNotFoundException.class, e.getCause());
    assertTrue(e.getMessage().contains("schema id 77"), e.getMessage());
    assertTrue(e.recordAtFault());
  }

  @Test
  void garbageBodyIsUndecodable() {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    int id = registry.register(TOPIC + "-value", VideoChunk.getClassSchema());
    // streamId "a", sequence 0, pts 0, duration 0, mediaType "b", then union branch 9 of codec.
    byte[] payload = {0, 0, 0, 0, (byte) id, 2, 'a', 0, 0, 0, 2, 'b', 18};

    UndecodablePayloadException e = assertThrows(UndecodablePayloadException.class,
        () -> deserializer(registry, VideoChunk.class).deserialize(TOPIC, payload));
    assertTrue(e.recordAtFault());
  }

  @Test
  void anUnreachableRegistryIsNotTheRecordsFault() throws IOException {
    int deadPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      deadPort = socket.getLocalPort();
    }
    SpecificAvroDeserializer<StreamControl> deserializer =
        new SpecificAvroDeserializer<>(StreamControl.class);
    deserializer.configure(Map.of("schema.registry.url", "http://127.0.0.1:" + deadPort,
        "max.retries", "1", "retries.wait.ms", "10"), false);

    RegistryUnreachableException e = assertThrows(RegistryUnreachableException.class,
        () -> deserializer.deserialize(TOPIC, new byte[] {0, 0, 0, 0, 1, 0}));
    assertInstanceOf(RegistryUnavailableException.class, e.getCause());
    assertFalse(e.recordAtFault());
  }

  private static byte[] serialize(StreamControl control) {
    return serialize(new InMemorySchemaRegistry(), control);
  }

  private static <T extends org.apache.avro.specific.SpecificRecord> byte[] serialize(
      InMemorySchemaRegistry registry, T record) {
    SpecificAvroSerializer<T> serializer = new SpecificAvroSerializer<>(registry);
    serializer.configure(Map.of(), false);
    return serializer.serialize(TOPIC, record);
  }

  private static StreamControl deserialize(byte[] payload) {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    registry.register(TOPIC + "-value", StreamControl.getClassSchema());
    return deserializer(registry, StreamControl.class).deserialize(TOPIC, payload);
  }

  private static <T extends org.apache.avro.specific.SpecificRecord> SpecificAvroDeserializer<T>
      deserializer(InMemorySchemaRegistry registry, Class<T> type) {
    SpecificAvroDeserializer<T> deserializer = new SpecificAvroDeserializer<>(type, registry);
    deserializer.configure(Map.of(), false);
    return deserializer;
  }
}
