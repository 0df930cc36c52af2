package io.foleystream.cli;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.config.FoleystreamConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceCheckTest {

  @Test
  void anUnreachableRegistryIsNamedWithItsAddress() {
    FoleystreamConfig config = FoleystreamConfig.of(Map.of("schema.registry.url",
        "http://127.0.0.1:1"));
    ServiceUnreachableException e = assertThrows(ServiceUnreachableException.class,
        () -> ServiceCheck.requireRegistry(config, "s-value", Duration.ofSeconds(2)));
    assertTrue(e.getMessage().startsWith("cannot reach the schema registry at http://127.0.0.1:1"
        + " within 2 s ("), e.getMessage());
    assertTrue(e.getMessage().endsWith("check --registry-url (schema.registry.url) and that the"
        + " registry is up"), e.getMessage());
  }

  @Test
  void anInMemoryRegistryIsReachable() {
    ServiceCheck.requireRegistry(FoleystreamConfig.of(Map.of("schema.registry.url",
        "mock://service-check")), "s-value", Duration.ofSeconds(2));
  }
}
