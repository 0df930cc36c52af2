package io.foleystream.schemas.serde;

import io.foleystream.schemas.registry.SchemaRegistries;
import io.foleystream.schemas.registry.SchemaRegistry;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka {@link Serde} for a generated Avro record class in the Confluent wire format: a
 * {@link SpecificAvroSerializer} and a {@link SpecificAvroDeserializer} configured together.
 *
 * @param <T> the generated record class
 */
public final class SpecificAvroSerde<T extends SpecificRecord> implements Serde<T> {

  private final SpecificAvroSerializer<T> serializer;
  private final SpecificAvroDeserializer<T> deserializer;
  private SchemaRegistry registry;

  /**
   * Creates a serde whose record class and registry come from the configuration, as Kafka Streams
   * does for {@code default.value.serde}.
   */
  public SpecificAvroSerde() {
    this.serializer = new SpecificAvroSerializer<>();
    this.deserializer = new SpecificAvroDeserializer<>();
  }

  /**
   * Creates a serde for a record class; the registry client comes from the configuration.
   *
   * @param type the generated record class
   */
  public SpecificAvroSerde(Class<T> type) {
    this.serializer = new SpecificAvroSerializer<>();
    this.deserializer = new SpecificAvroDeserializer<>(type);
  }

  /**
   * Creates a serde for a record class with the given registry client, shared by both halves.
   *
   * @param type the generated record class
   * @param registry the registry
   */
  public SpecificAvroSerde(Class<T> type, SchemaRegistry registry) {
    this.serializer = new SpecificAvroSerializer<>(registry);
    this.deserializer = new SpecificAvroDeserializer<>(type, registry);
    this.registry = registry;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    if (registry == null) {
      // One client, and so one cache, for both halves.
      registry = SchemaRegistries.fromConfigs(configs);
      serializer.useRegistry(registry);
      deserializer.useRegistry(registry);
    }
    serializer.configure(configs, isKey);
    deserializer.configure(configs, isKey);
  }

  @Override
  public Serializer<T> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<T> deserializer() {
    return deserializer;
  }
}
