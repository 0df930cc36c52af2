package io.foleystream.schemas.serde;

import io.foleystream.schemas.registry.SchemaRegistries;
import io.foleystream.schemas.registry.SchemaRegistry;
import io.foleystream.schemas.registry.SchemaRegistryException;
import java.io.EOFException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads Confluent-wire-format payloads into a generated Avro record class. The writer schema is
 * fetched by the id in the payload (and cached), then resolved to the class's schema with Avro's
 * rules, so records written with an older or newer compatible schema read fine: fields the reader
 * lacks are skipped, fields the writer lacked take their defaults.
 *
 * @param <T> the generated record class
 */
public final class SpecificAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

  private SchemaRegistry registry;
  private Class<T> type;
  private Schema readerSchema;
  private SpecificData model;
  private final Map<Integer, SpecificDatumReader<T>> readers = new ConcurrentHashMap<>();

  /**
   * Creates a deserializer whose record class ({@code specific.avro.value.type} or
   * {@code specific.avro.key.type}) and registry client come from the configuration.
   */
  public SpecificAvroDeserializer() {
  }

  /**
   * Creates a deserializer for a record class; the registry client comes from the configuration.
   *
   * @param type the generated record class
   */
  public SpecificAvroDeserializer(Class<T> type) {
    this.type = type;
  }

  /**
   * Creates a deserializer for a record class with the given registry client.
   *
   * @param type the generated record class
   * @param registry the registry
   */
  public SpecificAvroDeserializer(Class<T> type, SchemaRegistry registry) {
    this.type = type;
    this.registry = registry;
  }

  /** Sets the registry client before {@link #configure}, for a serde that shares one. */
  void useRegistry(SchemaRegistry shared) {
    this.registry = shared;
  }

  @Override
  @SuppressWarnings("unchecked")
  public void configure(Map<String, ?> configs, boolean isKey) {
    AvroSerdeConfig config = AvroSerdeConfig.from(configs, isKey);
    if (type == null) {
      type = (Class<T>) config.specificType().orElseThrow(() -> new IllegalArgumentException(
          "no record class: construct the deserializer with one or set '"
              + (isKey ? AvroSerdeConfig.SPECIFIC_AVRO_KEY_TYPE
                  : AvroSerdeConfig.SPECIFIC_AVRO_VALUE_TYPE) + "'"));
    }
    if (registry == null) {
      registry = SchemaRegistries.fromConfigs(configs);
    }
    model = SpecificData.getForClass(type);
    readerSchema = model.getSchema(type);
  }

  @Override
  public T deserialize(String topic, byte[] payload) {
    if (payload == null) {
      return null;
    }
    if (readerSchema == null) {
      throw new IllegalStateException("SpecificAvroDeserializer used before configure()");
    }
    int schemaId = WireFormat.schemaId(payload, topic);
    SpecificDatumReader<T> reader = readers.computeIfAbsent(schemaId,
        id -> new SpecificDatumReader<>(writerSchema(topic, id), readerSchema, model));
    try {
      return reader.read(null, DecoderFactory.get().binaryDecoder(payload,
          WireFormat.HEADER_LENGTH, payload.length - WireFormat.HEADER_LENGTH, null));
    } catch (EOFException e) {
      throw new TruncatedPayloadException("payload of " + payload.length + " bytes from topic '"
          + topic + "' ends inside its Avro body (writer schema id " + schemaId + ")", e);
    } catch (IOException | RuntimeException e) {
      throw new UndecodablePayloadException("cannot decode a " + readerSchema.getFullName()
          + " from topic '" + topic + "' written with schema id " + schemaId + ": "
          + e.getMessage(), e);
    }
  }

  private Schema writerSchema(String topic, int schemaId) {
    try {
      return registry.schemaById(schemaId);
    } catch (SchemaRegistryException e) {
      throw RegistryFailures.whileDeserializing(e, topic, schemaId);
    }
  }
}
