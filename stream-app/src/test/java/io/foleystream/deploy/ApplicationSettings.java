package io.foleystream.deploy;

import io.foleystream.config.ConfigException;
import io.foleystream.config.ConfigKeys;
import io.foleystream.config.FoleystreamConfig;
import io.foleystream.schemas.registry.RegistryClientConfig;
import io.foleystream.schemas.serde.AvroSerdeConfig;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Judges the environment a deployment gives the application by the application's own classes:
 * {@link ConfigKeys} maps each {@code FOLEYSTREAM_*} variable to a key, and the key must be one
 * the application reads ({@link ConfigKeys#find}), a key of the Kafka clients or Kafka Streams,
 * or a key of the schema-registry client and serdes. A key renamed in the application, or a
 * misspelt variable, is reported instead of being passed through and ignored.
 */
final class ApplicationSettings {

  private static final Set<String> KAFKA_KEYS = kafkaKeys();
  private static final Set<String> REGISTRY_KEYS = registryKeys();
  private static final String REGISTRY_PREFIX = "schema.registry.";

  private ApplicationSettings() {}

  /**
   * What is wrong with an environment.
   *
   * @param environment variable to value, as the container gets them
   * @return one line per problem; empty when every variable sets something real
   */
  static List<String> problems(Map<String, String> environment) {
    List<String> problems = new ArrayList<>();
    environment.forEach((variable, value) -> {
      if (ConfigKeys.NON_CONFIG_ENVIRONMENT.contains(variable)) {
        return;
      }
      Optional<String> key = ConfigKeys.keyForEnvironmentVariable(variable);
      if (key.isEmpty()) {
        problems.add(variable + ": the application reads only " + ConfigKeys.ENV_PREFIX
            + "* variables");
        return;
      }
      Optional<ConfigKeys.Key> own = ConfigKeys.find(key.get());
      if (own.isPresent()) {
        valueProblem(own.get(), value).ifPresent(p -> problems.add(variable + ": " + p));
      } else if (!passesThroughToAClient(key.get())) {
        problems.add(variable + " sets '" + key.get() + "', which neither the application nor"
            + " the Kafka clients, Kafka Streams or the schema registry serdes read");
      }
    });
    return problems;
  }

  /**
   * The configuration the application builds from an environment (no file).
   *
   * @param environment variable to value
   * @return the configuration
   */
  static FoleystreamConfig configuration(Map<String, String> environment) {
    return FoleystreamConfig.load(null, environment);
  }

  /**
   * A value the application's own parser rejects: a whole number or a flag where the key's
   * default is one.
   */
  private static Optional<String> valueProblem(ConfigKeys.Key key, String value) {
    String defaultValue = key.defaultValue();
    if (defaultValue == null) {
      return Optional.empty();
    }
    FoleystreamConfig config = FoleystreamConfig.of(Map.of(key.name(), value));
    try {
      if (defaultValue.matches("-?\\d+")) {
        config.longValue(key);
      } else if (defaultValue.equals("true") || defaultValue.equals("false")) {
        config.booleanValue(key);
      }
      return Optional.empty();
    } catch (ConfigException e) {
      return Optional.of(e.getMessage());
    }
  }

  private static boolean passesThroughToAClient(String key) {
    if (KAFKA_KEYS.contains(key) || REGISTRY_KEYS.contains(key)) {
      return true;
    }
    if (key.startsWith(REGISTRY_PREFIX)) {
      String rest = key.substring(REGISTRY_PREFIX.length());
      // The TLS keys exist only with the prefix (docs/schemas.md).
      return REGISTRY_KEYS.contains(rest) || rest.startsWith("ssl.");
    }
    for (String prefix : List.of(StreamsConfig.MAIN_CONSUMER_PREFIX,
        StreamsConfig.RESTORE_CONSUMER_PREFIX, StreamsConfig.GLOBAL_CONSUMER_PREFIX,
        StreamsConfig.CONSUMER_PREFIX)) {
      if (key.startsWith(prefix)) {
        return ConsumerConfig.configNames().contains(key.substring(prefix.length()));
      }
    }
    if (key.startsWith(StreamsConfig.PRODUCER_PREFIX)) {
      return ProducerConfig.configNames().contains(
          key.substring(StreamsConfig.PRODUCER_PREFIX.length()));
    }
    if (key.startsWith(StreamsConfig.ADMIN_CLIENT_PREFIX)) {
      return AdminClientConfig.configNames().contains(
          key.substring(StreamsConfig.ADMIN_CLIENT_PREFIX.length()));
    }
    if (key.startsWith(StreamsConfig.TOPIC_PREFIX)) {
      return constants(TopicConfig.class, "_CONFIG").contains(
          key.substring(StreamsConfig.TOPIC_PREFIX.length()));
    }
    return false;
  }

  private static Set<String> kafkaKeys() {
    Set<String> keys = new HashSet<>(StreamsConfig.configDef().names());
    keys.addAll(ProducerConfig.configNames());
    keys.addAll(ConsumerConfig.configNames());
    keys.addAll(AdminClientConfig.configNames());
    return keys;
  }

  private static Set<String> registryKeys() {
    Set<String> keys = new HashSet<>(constants(RegistryClientConfig.class, ""));
    keys.addAll(constants(AvroSerdeConfig.class, ""));
    return keys;
  }

  /** The values of a class's public String constants whose names end so (its key names). */
  private static Set<String> constants(Class<?> type, String nameSuffix) {
    Set<String> values = new HashSet<>();
    for (Field field : type.getFields()) {
      int modifiers = field.getModifiers();
      if (Modifier.isStatic(modifiers) && Modifier.isFinal(modifiers)
          && field.getType() == String.class && field.getName().endsWith(nameSuffix)) {
        try {
          values.add((String) field.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return values;
  }
}
