package io.foleystream.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.schemas.VideoChunk;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.SSLException;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST client's transport: waits between retries, a read timeout, a refused connection and
 * TLS (server trust, mutual TLS, an unreadable trust store), against a local HTTP(S) server that
 * plays the registry.
 */
class RestSchemaRegistryTransportTest {

  private static final Schema SCHEMA = VideoChunk.getClassSchema();

  @TempDir
  static Path tempDir;
  private static TestCertificates certificates;

  private FakeRegistryServer server;

  @BeforeAll
  static void makeCertificates() throws Exception {
    certificates = TestCertificates.create(tempDir);
  }

  @AfterEach
  void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aRefusedConnectionIsRetriedWithBackoffThenSurfaced() throws IOException {
    String url = "http://127.0.0.1:" + FakeRegistryServer.unusedPort() + "/apis/ccompat/v7";
    Map<String, Object> configs = Map.of("schema.registry.url", url, "max.retries", "2",
        "retries.wait.ms", "100", "retries.max.wait.ms", "150");
    long t0 = System.nanoTime();

    RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class,
        () -> RestSchemaRegistry.fromConfigs(configs).schemaById(1));

    long elapsedMillis = Duration.ofNanos(System.nanoTime() - t0).toMillis();
    assertTrue(elapsedMillis >= 250, "waited 100 + 150 ms between attempts: " + elapsedMillis);
    assertTrue(e.getMessage().contains("3 attempts"), e.getMessage());
    assertInstanceOf(IOException.class, e.getCause());
  }

  @Test
  void aSlowAnswerTimesOut() {
    server = FakeRegistryServer.http().respondAfter(Duration.ofMillis(1500), 200, "{\"id\":1}");

    RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class,
        () -> client(Map.of("http.read.timeout.ms", "200", "max.retries", "0"))
            .register("s", SCHEMA));

    assertInstanceOf(HttpTimeoutException.class, e.getCause());
  }

  @Test
  void httpsWithAConfiguredTrustStore() throws Exception {
    server = FakeRegistryServer.https(certificates.serverContext(), false)
        .respond(200, "{\"id\":4}");

    int id = RestSchemaRegistry.fromConfigs(Map.of(
        "schema.registry.url", server.url("https"),
        "schema.registry.ssl.truststore.location", certificates.trustStore.toString(),
        "schema.registry.ssl.truststore.password", TestCertificates.PASSWORD,
        "schema.registry.ssl.truststore.type", "PKCS12")).register("s", SCHEMA);

    assertEquals(4, id);
  }

  @Test
  void httpsWithoutTrustInTheServerFails() throws Exception {
    server = FakeRegistryServer.https(certificates.serverContext(), false)
        .respond(200, "{\"id\":4}");

    RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class,
        () -> RestSchemaRegistry.fromConfigs(Map.of("schema.registry.url", server.url("https"),
            "max.retries", "0")).register("s", SCHEMA));

    assertInstanceOf(SSLException.class, e.getCause());
    assertTrue(server.requests().isEmpty());
  }

  @Test
  void mutualTlsPresentsTheConfiguredClientCertificate() throws Exception {
    server = FakeRegistryServer.https(certificates.serverContext(), true)
        .respond(200, "{\"id\":6}");
    Map<String, Object> trustOnly = new HashMap<>(Map.of(
        "schema.registry.url", server.url("https"),
        "max.retries", "0",
        "schema.registry.ssl.truststore.location", certificates.trustStore.toString(),
        "schema.registry.ssl.truststore.password", TestCertificates.PASSWORD));

    assertThrows(RegistryUnavailableException.class,
        () -> RestSchemaRegistry.fromConfigs(trustOnly).register("s", SCHEMA));

    Map<String, Object> withKey = new HashMap<>(trustOnly);
    withKey.put("schema.registry.ssl.keystore.location", certificates.keyStore.toString());
    withKey.put("schema.registry.ssl.keystore.password", TestCertificates.PASSWORD);
    assertEquals(6, RestSchemaRegistry.fromConfigs(withKey).register("s", SCHEMA));
  }

  @Test
  void anUnreadableTrustStoreIsAConfigurationError() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RestSchemaRegistry.fromConfigs(Map.of("schema.registry.url", "https://127.0.0.1:1",
            "schema.registry.ssl.truststore.location", certificates.trustStore.toString(),
            "schema.registry.ssl.truststore.password", "wrong")));
    assertTrue(e.getMessage().contains("trust.p12"), e.getMessage());
    assertFalse(e.getMessage().contains("wrong"), "the password stays out of messages");
  }

  private SchemaRegistry client(Map<String, ?> extra) {
    Map<String, Object> configs = new HashMap<>(extra);
    configs.put("schema.registry.url", server.url("http"));
    return RestSchemaRegistry.fromConfigs(configs);
  }
}
