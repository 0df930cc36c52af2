package io.foleystream.topology.records;

import io.foleystream.schemas.serde.SpecificAvroSerde;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** Schema-registry serdes configured from the application's pass-through settings. */
public final class AvroSerdes {

  private final Map<String, ?> config;

  /**
   * @param config the serde settings ({@code schema.registry.url}, ...)
   */
  public AvroSerdes(Map<String, ?> config) {
    this.config = config;
  }

  /**
   * A value serde for a record class.
   *
   * @param type the record class
   * @param <T> the record type
   * @return the configured serde
   */
  public <T extends SpecificRecord> SpecificAvroSerde<T> value(Class<T> type) {
    SpecificAvroSerde<T> serde = new SpecificAvroSerde<>(type);
    serde.configure(config, false);
    return serde;
  }
}
