package io.foleystream.schemas.registry;

import java.time.Clock;
import java.util.Map;

/** Creates the schema registry a configuration asks for. */
public final class SchemaRegistries {

  private SchemaRegistries() {
  }

  /**
   * Creates a caching client for {@code schema.registry.url}: a {@link RestSchemaRegistry} behind
   * a {@link CachingSchemaRegistry}, or the scope's {@link InMemorySchemaRegistry} for a
   * {@code mock://<scope>} URL.
   *
   * @param configs Kafka-style configuration, see {@link RegistryClientConfig}
   * @return the registry
   * @throws IllegalArgumentException when the configuration is incomplete or malformed
   */
  public static SchemaRegistry fromConfigs(Map<String, ?> configs) {
    Object url = configs.get(RegistryClientConfig.URL);
    if (url != null && url.toString().trim().startsWith(InMemorySchemaRegistry.MOCK_SCHEME)) {
      return InMemorySchemaRegistry.forScope(
          url.toString().trim().substring(InMemorySchemaRegistry.MOCK_SCHEME.length()));
    }
    RegistryClientConfig config = RegistryClientConfig.from(configs);
    return new CachingSchemaRegistry(new RestSchemaRegistry(config), config.latestCacheTtl(),
        Clock.systemUTC());
  }
}
