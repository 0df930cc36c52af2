package io.foleystream.cli;

import io.foleystream.config.FoleystreamConfig;
import io.foleystream.config.KeyCheck;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where the Kafka cluster and the schema registry are: a configuration file and overrides. */
final class KafkaOptions {

  @Option(names = "--config", paramLabel = "FILE",
      description = "Configuration file (.properties, .yaml); default: $FOLEYSTREAM_CONFIG."
          + " FOLEYSTREAM_* environment variables override it.")
  Path config;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers (bootstrap.servers).")
  String bootstrapServers;

  @Option(names = "--registry-url", paramLabel = "URL",
      description = "Confluent-compatible schema registry API (schema.registry.url).")
  String registryUrl;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Set any configuration key (repeatable); wins over file and environment.")
  Map<String, String> set = new HashMap<>();

  /**
   * The configuration: file, then environment, then these options.
   *
   * @return the configuration
   * @throws io.foleystream.config.ConfigException if the file cannot be read or an application
   *     key is misspelt
   */
  FoleystreamConfig load() {
    Map<String, String> env = System.getenv();
    Path file = config;
    if (file == null && env.get("FOLEYSTREAM_CONFIG") != null) {
      file = Path.of(env.get("FOLEYSTREAM_CONFIG"));
    }
    Map<String, String> overrides = new HashMap<>(set);
    if (bootstrapServers != null) {
      overrides.put("bootstrap.servers", bootstrapServers);
    }
    if (registryUrl != null) {
      overrides.put("schema.registry.url", registryUrl);
    }
    FoleystreamConfig loaded = FoleystreamConfig.load(file, env).with(overrides);
    KeyCheck.requireKnown(loaded, env);
    return loaded;
  }
}
