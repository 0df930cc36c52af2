package io.foleystream.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Reading the client settings from Kafka-style configuration. */
class RegistryClientConfigTest {

  @Test
  void defaults() {
    RegistryClientConfig config = RegistryClientConfig.from(Map.of("schema.registry.url",
        "http://127.0.0.1:8080/apis/ccompat/v7"));

    assertEquals(List.of(URI.create("http://127.0.0.1:8080/apis/ccompat/v7")), config.urls());
    assertEquals(Optional.empty(), config.authorization());
    assertEquals(Optional.empty(), config.sslContext());
    assertEquals(Duration.ofSeconds(10), config.connectTimeout());
    assertEquals(Duration.ofSeconds(30), config.requestTimeout());
    assertEquals(new RetryBackoff(3, Duration.ofMillis(500), Duration.ofSeconds(5)),
        config.retryBackoff());
    assertEquals(Optional.empty(), config.latestCacheTtl());
  }

  @Test
  void severalUrlsAreTrimmedAndLoseTrailingSlashes() {
    RegistryClientConfig config = RegistryClientConfig.from(Map.of("schema.registry.url",
        " https://a.example:8081/ ,http://b.example/api/,"));

    assertEquals(List.of(URI.create("https://a.example:8081"), URI.create("http://b.example/api")),
        config.urls());
  }

  @Test
  void prefixedKeysWinAndNumbersMayBeNumbers() {
    RegistryClientConfig config = RegistryClientConfig.from(Map.of(
        "schema.registry.url", "http://r",
        "max.retries", 7,
        "schema.registry.max.retries", "1",
        "retries.wait.ms", 20L,
        "http.read.timeout.ms", "1500",
        "latest.cache.ttl.sec", "30"));

    assertEquals(1, config.retryBackoff().maxRetries());
    assertEquals(Duration.ofMillis(20), config.retryBackoff().initialWait());
    assertEquals(Duration.ofMillis(1500), config.requestTimeout());
    assertEquals(Optional.of(Duration.ofSeconds(30)), config.latestCacheTtl());
  }

  @Test
  void badSettingsAreNamed() {
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> RegistryClientConfig.from(Map.of()));
    assertTrue(missing.getMessage().contains("schema.registry.url"), missing.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> RegistryClientConfig.from(Map.of("schema.registry.url", "ftp://r")));
    IllegalArgumentException number = assertThrows(IllegalArgumentException.class,
        () -> RegistryClientConfig.from(Map.of("schema.registry.url", "http://r",
            "max.retries", "three")));
    assertTrue(number.getMessage().contains("max.retries"), number.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> RegistryClientConfig.from(Map.of("schema.registry.url", "http://r",
            "max.retries", "-1")));
  }

  @Test
  void backoffDoublesUpToItsCap() {
    RetryBackoff backoff = new RetryBackoff(6, Duration.ofMillis(500), Duration.ofSeconds(5));

    assertEquals(List.of(500L, 1000L, 2000L, 4000L, 5000L, 5000L),
        List.of(1, 2, 3, 4, 5, 6).stream().map(n -> backoff.waitBefore(n).toMillis()).toList());
  }
}
