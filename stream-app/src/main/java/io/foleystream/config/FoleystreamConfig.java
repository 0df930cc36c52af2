package io.foleystream.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The application's configuration: one properties or YAML file, then environment overrides
 * ({@link ConfigKeys} has the mapping), then the defaults of {@link ConfigKeys}. Every key that
 * is not the application's own passes through unchanged to Kafka Streams, the Kafka clients and
 * the schema registry serdes ({@link #passThrough()}).
 *
 * <p>YAML maps nest: {@code foleystream: {window: {grace.ms: 500}}} is {@code
 * foleystream.window.grace.ms}; lists become comma-separated values.
 */
public final class FoleystreamConfig {

  private final Map<String, String> values;

  private FoleystreamConfig(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new TreeMap<>(values));
  }

  /**
   * Configuration from explicit values only (no file, no environment).
   *
   * @param values keys and values
   * @return the configuration
   */
  public static FoleystreamConfig of(Map<String, String> values) {
    return new FoleystreamConfig(values);
  }

  /**
   * Reads a file (optional) and applies the environment over it.
   *
   * @param file a {@code .properties}, {@code .yaml} or {@code .yml} file, or null for none
   * @param environment the environment variables
   * @return the configuration
   * @throws ConfigException if the file cannot be read or parsed
   */
  public static FoleystreamConfig load(Path file, Map<String, String> environment) {
    Map<String, String> values = new TreeMap<>();
    if (file != null) {
      values.putAll(readFile(file));
    }
    environment.forEach((variable, value) -> ConfigKeys.keyForEnvironmentVariable(variable)
        .ifPresent(key -> values.put(key, value)));
    return new FoleystreamConfig(values);
  }

  /**
   * A copy with some values replaced (for command-line options that set keys).
   *
   * @param overrides keys and values that win
   * @return the new configuration
   */
  public FoleystreamConfig with(Map<String, String> overrides) {
    Map<String, String> merged = new TreeMap<>(values);
    merged.putAll(overrides);
    return new FoleystreamConfig(merged);
  }

  private static Map<String, String> readFile(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    try {
      if (name.endsWith(".yaml") || name.endsWith(".yml")) {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        Map<String, String> flat = new TreeMap<>();
        if (root != null && !root.isMissingNode() && !root.isNull()) {
          if (!root.isObject()) {
            throw new ConfigException(file + ": the YAML document must be a map of keys");
          }
          flatten("", root, flat);
        }
        return flat;
      }
      Properties properties = new Properties();
      try (Reader reader = Files.newBufferedReader(file)) {
        properties.load(reader);
      }
      Map<String, String> flat = new TreeMap<>();
      properties.stringPropertyNames().forEach(k -> flat.put(k, properties.getProperty(k)));
      return flat;
    } catch (IOException e) {
      throw new ConfigException("cannot read the configuration file " + file + ": "
          + e.getMessage(), e);
    }
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        flatten(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(),
            field.getValue(), out);
      }
    } else if (node.isArray()) {
      StringBuilder joined = new StringBuilder();
      for (JsonNode element : node) {
        if (!element.isValueNode()) {
          throw new ConfigException(prefix + ": lists may only hold plain values");
        }
        joined.append(joined.length() == 0 ? "" : ",").append(element.asText());
      }
      out.put(prefix, joined.toString());
    } else if (!node.isNull()) {
      out.put(prefix, node.asText());
    }
  }

  /**
   * Every value that was set, the application's keys included.
   *
   * @return key to value
   */
  public Map<String, String> values() {
    return values;
  }

  /**
   * The values of the keys that are not the application's own, unchanged: Kafka Streams, Kafka
   * client and schema registry settings.
   *
   * @return key to value
   */
  public Map<String, Object> passThrough() {
    Map<String, Object> out = new TreeMap<>();
    values.forEach((key, value) -> {
      if (ConfigKeys.find(key).isEmpty()) {
        out.put(key, value);
      }
    });
    return out;
  }

  /**
   * A raw value.
   *
   * @param key any key
   * @return the value, or null when unset
   */
  public String raw(String key) {
    return values.get(key);
  }

  /**
   * The value of one of the application's keys, or its default.
   *
   * @param key the key
   * @return the value, or null when neither set nor defaulted
   */
  public String string(ConfigKeys.Key key) {
    return values.getOrDefault(key.name(), key.defaultValue());
  }

  /**
   * The value of a key that must be set.
   *
   * @param key the key
   * @return the value
   * @throws ConfigException if neither set nor defaulted
   */
  public String required(ConfigKeys.Key key) {
    String value = string(key);
    if (value == null || value.isBlank()) {
      throw new ConfigException(key.name() + " must be set (environment variable "
          + key.environmentVariable() + "): " + key.description());
    }
    return value;
  }

  /**
   * A whole-number value.
   *
   * @param key the key
   * @return the value
   * @throws ConfigException if it is missing or not a number
   */
  public long longValue(ConfigKeys.Key key) {
    String value = required(key);
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(key.name() + " must be a whole number: " + value, e);
    }
  }

  /**
   * A whole-number value that fits an int.
   *
   * @param key the key
   * @return the value
   * @throws ConfigException if it is missing, not a number or too large
   */
  public int intValue(ConfigKeys.Key key) {
    long value = longValue(key);
    if (value != (int) value) {
      throw new ConfigException(key.name() + " is out of range: " + value);
    }
    return (int) value;
  }

  /**
   * An optional decimal value.
   *
   * @param key the key
   * @return the value, or null when unset and without default
   * @throws ConfigException if it is not a number
   */
  public Double optionalDouble(ConfigKeys.Key key) {
    String value = string(key);
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      return Double.parseDouble(value.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(key.name() + " must be a number: " + value, e);
    }
  }

  /**
   * An optional whole-number value.
   *
   * @param key the key
   * @return the value, or null when unset and without default
   * @throws ConfigException if it is not a whole number
   */
  public Integer optionalInt(ConfigKeys.Key key) {
    String value = string(key);
    return value == null || value.isBlank() ? null : intValue(key);
  }

  /**
   * A true/false value.
   *
   * @param key the key
   * @return the value
   * @throws ConfigException if it is neither {@code true} nor {@code false}
   */
  public boolean booleanValue(ConfigKeys.Key key) {
    String value = required(key).trim().toLowerCase(Locale.ROOT);
    if (!value.equals("true") && !value.equals("false")) {
      throw new ConfigException(key.name() + " must be true or false: " + value);
    }
    return value.equals("true");
  }

  /**
   * An enum value, case-insensitive, with dashes for underscores allowed.
   *
   * @param key the key
   * @param type the enum
   * @param <E> the enum type
   * @return the constant
   * @throws ConfigException if no constant matches
   */
  public <E extends Enum<E>> E enumValue(ConfigKeys.Key key, Class<E> type) {
    String value = required(key).trim().toUpperCase(Locale.ROOT).replace('-', '_');
    try {
      return Enum.valueOf(type, value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key.name() + " must be one of "
          + java.util.Arrays.toString(type.getEnumConstants()) + ": " + value, e);
    }
  }
}
