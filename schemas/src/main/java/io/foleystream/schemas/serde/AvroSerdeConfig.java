package io.foleystream.schemas.serde;

import io.foleystream.schemas.registry.RegistryClientConfig;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/**
 * Settings of the Avro serdes, under the keys of Confluent's serdes. Registry connection keys
 * ({@code schema.registry.url}, {@code basic.auth.*}, TLS, timeouts, retries) are read by
 * {@link RegistryClientConfig}.
 *
 * <table>
 * <caption>Keys</caption>
 * <tr><th>key</th><th>meaning</th><th>default</th></tr>
 * <tr><td>{@code auto.register.schemas}</td><td>the serializer registers the record's schema
 *   under its subject; otherwise the schema must already be registered</td><td>true</td></tr>
 * <tr><td>{@code use.latest.version}</td><td>the serializer writes with the subject's latest
 *   schema (the record is projected onto it) instead of the record's own</td><td>false</td></tr>
 * <tr><td>{@code latest.compatibility.strict}</td><td>with {@code use.latest.version}: refuse a
 *   latest schema that cannot read the record's schema</td><td>true</td></tr>
 * <tr><td>{@code key.subject.name.strategy}, {@code value.subject.name.strategy}</td><td>see
 *   {@link SubjectNameStrategy}</td><td>TopicNameStrategy</td></tr>
 * <tr><td>{@code specific.avro.key.type}, {@code specific.avro.value.type}</td><td>the generated
 *   record class to read into, for serdes created without one</td><td>none</td></tr>
 * </table>
 */
public final class AvroSerdeConfig {

  /** Whether the serializer registers schemas. */
  public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
  /** Whether the serializer writes with the subject's latest schema. */
  public static final String USE_LATEST_VERSION = "use.latest.version";
  /** Whether a latest schema that cannot read the record's schema is refused. */
  public static final String LATEST_COMPATIBILITY_STRICT = "latest.compatibility.strict";
  /** Subject name strategy for keys. */
  public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
  /** Subject name strategy for values. */
  public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";
  /** Generated record class of keys. */
  public static final String SPECIFIC_AVRO_KEY_TYPE = "specific.avro.key.type";
  /** Generated record class of values. */
  public static final String SPECIFIC_AVRO_VALUE_TYPE = "specific.avro.value.type";

  private final boolean autoRegisterSchemas;
  private final boolean useLatestVersion;
  private final boolean latestCompatibilityStrict;
  private final SubjectNameStrategy subjectNameStrategy;
  private final Optional<Class<? extends SpecificRecord>> specificType;

  private AvroSerdeConfig(Map<String, ?> configs, boolean isKey) {
    this.autoRegisterSchemas = flag(configs, AUTO_REGISTER_SCHEMAS, true);
    this.useLatestVersion = flag(configs, USE_LATEST_VERSION, false);
    this.latestCompatibilityStrict = flag(configs, LATEST_COMPATIBILITY_STRICT, true);
    Object strategy = configs.get(isKey ? KEY_SUBJECT_NAME_STRATEGY : VALUE_SUBJECT_NAME_STRATEGY);
    this.subjectNameStrategy = strategy == null
        ? BuiltInSubjectNameStrategy.TOPIC_NAME
        : strategy instanceof SubjectNameStrategy given
            ? given : BuiltInSubjectNameStrategy.resolve(className(strategy));
    Object type = configs.get(isKey ? SPECIFIC_AVRO_KEY_TYPE : SPECIFIC_AVRO_VALUE_TYPE);
    this.specificType = type == null ? Optional.empty() : Optional.of(recordClass(type));
  }

  /**
   * Reads the serde settings.
   *
   * @param configs Kafka-style configuration
   * @param isKey whether the serde handles keys
   * @return the settings
   * @throws IllegalArgumentException when a setting is malformed
   */
  public static AvroSerdeConfig from(Map<String, ?> configs, boolean isKey) {
    return new AvroSerdeConfig(configs, isKey);
  }

  /**
   * Whether the serializer registers schemas.
   *
   * @return the setting
   */
  public boolean autoRegisterSchemas() {
    return autoRegisterSchemas;
  }

  /**
   * Whether the serializer writes with the subject's latest schema.
   *
   * @return the setting
   */
  public boolean useLatestVersion() {
    return useLatestVersion;
  }

  /**
   * Whether a latest schema that cannot read the record's schema is refused.
   *
   * @return the setting
   */
  public boolean latestCompatibilityStrict() {
    return latestCompatibilityStrict;
  }

  /**
   * The subject name strategy.
   *
   * @return the strategy
   */
  public SubjectNameStrategy subjectNameStrategy() {
    return subjectNameStrategy;
  }

  /**
   * The configured generated record class.
   *
   * @return the class, if configured
   */
  public Optional<Class<? extends SpecificRecord>> specificType() {
    return specificType;
  }

  private static boolean flag(Map<String, ?> configs, String key, boolean defaultValue) {
    Object value = configs.get(key);
    if (value == null) {
      return defaultValue;
    }
    if (value instanceof Boolean bool) {
      return bool;
    }
    String text = value.toString().trim().toLowerCase(Locale.ROOT);
    if (text.equals("true") || text.equals("false")) {
      return Boolean.parseBoolean(text);
    }
    throw new IllegalArgumentException("setting '" + key + "' must be true or false, not '"
        + value + "'");
  }

  private static String className(Object value) {
    return value instanceof Class<?> type ? type.getName() : value.toString();
  }

  private static Class<? extends SpecificRecord> recordClass(Object value) {
    String name = className(value).trim();
    try {
      Class<?> type = Class.forName(name);
      if (!SpecificRecord.class.isAssignableFrom(type)) {
        throw new IllegalArgumentException(name + " is not a generated Avro record class");
      }
      return type.asSubclass(SpecificRecord.class);
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("record class " + name + " not found", e);
    }
  }
}
