package io.foleystream.schemas.serde;

import io.foleystream.schemas.registry.CompatibilityLevel;
import io.foleystream.schemas.registry.RegisteredSchema;
import io.foleystream.schemas.registry.SchemaRegistries;
import io.foleystream.schemas.registry.SchemaRegistry;
import io.foleystream.schemas.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes generated Avro records in the Confluent wire format, registering or looking up their
 * schema as {@link AvroSerdeConfig} says. Schema ids are cached per subject and schema, so once a
 * record type has been written, writing it again needs no registry.
 *
 * @param <T> the generated record class
 */
public final class SpecificAvroSerializer<T extends SpecificRecord> implements Serializer<T> {

  private SchemaRegistry registry;
  private AvroSerdeConfig config;
  private boolean isKey;
  private final Map<SubjectSchema, Integer> ids = new ConcurrentHashMap<>();
  private final Map<Schema, SpecificDatumWriter<T>> writers = new ConcurrentHashMap<>();
  private final Map<Projection, GenericDatumReader<GenericRecord>> projections =
      new ConcurrentHashMap<>();

  /** Creates a serializer that builds its registry client from the configuration. */
  public SpecificAvroSerializer() {
  }

  /**
   * Creates a serializer that uses the given registry client (for example Confluent's, adapted).
   *
   * @param registry the registry
   */
  public SpecificAvroSerializer(SchemaRegistry registry) {
    this.registry = registry;
  }

  /** Sets the registry client before {@link #configure}, for a serde that shares one. */
  void useRegistry(SchemaRegistry shared) {
    this.registry = shared;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    this.config = AvroSerdeConfig.from(configs, isKey);
    this.isKey = isKey;
    if (registry == null) {
      registry = SchemaRegistries.fromConfigs(configs);
    }
  }

  @Override
  public byte[] serialize(String topic, T record) {
    if (record == null) {
      return null;
    }
    if (config == null) {
      throw new IllegalStateException("SpecificAvroSerializer used before configure()");
    }
    Schema schema = record.getSchema();
    String subject = config.subjectNameStrategy().subjectName(topic, isKey, schema);
    if (config.useLatestVersion()) {
      return serializeWithLatest(topic, subject, record);
    }
    int id = ids.computeIfAbsent(new SubjectSchema(subject, schema),
        key -> obtainId(topic, subject, schema));
    return frame(id, encode(record));
  }

  private int obtainId(String topic, String subject, Schema schema) {
    try {
      return config.autoRegisterSchemas()
          ? registry.register(subject, schema) : registry.lookup(subject, schema).id();
    } catch (SchemaRegistryException e) {
      throw RegistryFailures.whileSerializing(e, topic, subject,
          config.autoRegisterSchemas() ? "registering the schema" : "looking up the schema");
    }
  }

  private byte[] serializeWithLatest(String topic, String subject, T record) {
    RegisteredSchema latest;
    try {
      latest = registry.latest(subject);
    } catch (SchemaRegistryException e) {
      throw RegistryFailures.whileSerializing(e, topic, subject, "fetching the latest schema");
    }
    Schema own = record.getSchema();
    byte[] body = encode(record);
    if (latest.schema().equals(own)) {
      return frame(latest.id(), body);
    }
    GenericDatumReader<GenericRecord> projection = projections.computeIfAbsent(
        new Projection(own, latest.id()), key -> projectionReader(topic, subject, own, latest));
    try {
      GenericRecord projected = projection.read(null,
          DecoderFactory.get().binaryDecoder(body, null));
      ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 16);
      BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
      new GenericDatumWriter<GenericRecord>(latest.schema()).write(projected, encoder);
      return frame(latest.id(), out.toByteArray());
    } catch (IOException | RuntimeException e) {
      throw new SchemaRegistrationException("cannot write a " + own.getFullName() + " for topic '"
          + topic + "' with the latest schema (id " + latest.id() + ") of subject '" + subject
          + "': " + e.getMessage(), e);
    }
  }

  private GenericDatumReader<GenericRecord> projectionReader(String topic, String subject,
      Schema own, RegisteredSchema latest) {
    if (config.latestCompatibilityStrict()) {
      List<String> violations =
          CompatibilityLevel.BACKWARD.violations(latest.schema(), List.of(own));
      if (!violations.isEmpty()) {
        throw new SchemaRegistrationException("cannot write a " + own.getFullName()
            + " for topic '" + topic + "' with the latest schema (id " + latest.id()
            + ") of subject '" + subject + "': it cannot read the record's schema: "
            + String.join("; ", violations), null);
      }
    }
    return new GenericDatumReader<>(own, latest.schema());
  }

  private byte[] encode(T record) {
    SpecificDatumWriter<T> writer = writers.computeIfAbsent(record.getSchema(),
        schema -> new SpecificDatumWriter<>(schema, SpecificData.getForSchema(schema)));
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    try {
      writer.write(record, encoder);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory failed", e);
    }
    return out.toByteArray();
  }

  private static byte[] frame(int schemaId, byte[] body) {
    byte[] header = WireFormat.header(schemaId);
    byte[] payload = new byte[header.length + body.length];
    System.arraycopy(header, 0, payload, 0, header.length);
    System.arraycopy(body, 0, payload, header.length, body.length);
    return payload;
  }

  private record SubjectSchema(String subject, Schema schema) {
  }

  private record Projection(Schema own, int latestId) {
  }
}
