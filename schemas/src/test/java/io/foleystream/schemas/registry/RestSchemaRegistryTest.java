package io.foleystream.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.foleystream.schemas.VideoChunk;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The REST client's requests, answers, error mapping, retries, timeouts, basic auth and TLS,
 * checked against a local HTTP(S) server that plays the registry.
 */
class RestSchemaRegistryTest {

  private static final Schema SCHEMA = VideoChunk.getClassSchema();
  private static final String SCHEMA_JSON =
      new ObjectMapper().createObjectNode().put("schema", SCHEMA.toString()).toString();

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
  void registerPostsTheSchemaUnderTheEncodedSubject() throws IOException {
    server = FakeRegistryServer.http().respond(200, "{\"id\":7}");

    int id = client(Map.of()).register("foley video/chunks-value", SCHEMA);

    assertEquals(7, id);
    FakeRegistryServer.Request request = server.requests().get(0);
    assertEquals("POST", request.method());
    assertEquals("/apis/ccompat/v7/subjects/foley%20video%2Fchunks-value/versions",
        request.rawPath());
    assertEquals("application/vnd.schemaregistry.v1+json", request.contentType());
    String sent = new ObjectMapper().readTree(request.body()).get("schema").asText();
    assertEquals(SCHEMA, new Schema.Parser().parse(sent));
    assertNull(request.authorization());
  }

  @Test
  void lookupsParseTheRegistrysAnswers() {
    String version = "{\"subject\":\"s\",\"version\":3,\"id\":11,\"schema\":"
        + new ObjectMapper().createObjectNode().textNode(SCHEMA.toString()) + "}";
    server = FakeRegistryServer.http()
        .respond(200, SCHEMA_JSON)
        .respond(200, version)
        .respond(200, version);
    SchemaRegistry registry = client(Map.of());

    assertEquals(SCHEMA, registry.schemaById(11));
    assertEquals(new RegisteredSchema("s", 3, 11, SCHEMA), registry.latest("s"));
    assertEquals(new RegisteredSchema("s", 3, 11, SCHEMA), registry.lookup("s", SCHEMA));

    List<FakeRegistryServer.Request> requests = server.requests();
    assertEquals("GET /apis/ccompat/v7/schemas/ids/11", line(requests.get(0)));
    assertEquals("GET /apis/ccompat/v7/subjects/s/versions/latest", line(requests.get(1)));
    assertEquals("POST /apis/ccompat/v7/subjects/s", line(requests.get(2)));
  }

  @Test
  void compatibilitySettingsAndChecks() {
    server = FakeRegistryServer.http()
        .respond(200, "{\"compatibility\":\"BACKWARD\"}")
        .respond(200, "{\"compatibilityLevel\":\"FULL_TRANSITIVE\"}")
        .respond(200, "{\"is_compatible\":false,\"messages\":[\"field x\"]}")
        .respond(404, "{\"error_code\":40401,\"message\":\"Subject 'n' not found.\"}");
    SchemaRegistry registry = client(Map.of());

    registry.setCompatibility("s", CompatibilityLevel.BACKWARD);
    assertEquals(CompatibilityLevel.FULL_TRANSITIVE, registry.compatibility("s"));
    assertEquals(new CompatibilityResult(false, List.of("field x")),
        registry.testCompatibility("s", SCHEMA));
    assertTrue(registry.testCompatibility("n", SCHEMA).compatible(),
        "a subject that does not exist accepts anything");

    assertEquals("PUT /apis/ccompat/v7/config/s", line(server.requests().get(0)));
    assertEquals("{\"compatibility\":\"BACKWARD\"}", server.requests().get(0).body());
    assertEquals("GET /apis/ccompat/v7/config/s?defaultToGlobal=true",
        line(server.requests().get(1)));
    assertEquals("POST /apis/ccompat/v7/compatibility/subjects/s/versions/latest?verbose=true",
        line(server.requests().get(2)));
  }

  @Test
  void errorsMapToTypedExceptionsWithoutRetrying() {
    server = FakeRegistryServer.http()
        .respond(404, "{\"error_code\":40403,\"message\":\"Schema 99 not found.\"}")
        .respond(409, "{\"error_code\":409,\"message\":\"Incompatible artifact: s [AVRO]\"}")
        .respond(422, "{\"error_code\":42201,\"message\":\"Invalid schema\"}")
        .respond(401, "Unauthorized");
    SchemaRegistry registry = client(Map.of("max.retries", 3));

    SchemaNotFoundException notFound =
        assertThrows(SchemaNotFoundException.class, () -> registry.schemaById(99));
    assertEquals(SchemaNotFoundException.SCHEMA_NOT_FOUND, notFound.errorCode());
    assertTrue(notFound.getMessage().contains("Schema 99 not found."), notFound.getMessage());
    IncompatibleSchemaException incompatible =
        assertThrows(IncompatibleSchemaException.class, () -> registry.register("s", SCHEMA));
    assertTrue(incompatible.getMessage().contains("subject 's'"), incompatible.getMessage());
    assertTrue(incompatible.getMessage().contains("Incompatible artifact"));
    RegistryRequestException invalid =
        assertThrows(RegistryRequestException.class, () -> registry.register("s", SCHEMA));
    assertEquals(42201, invalid.errorCode());
    RegistryRequestException unauthorized =
        assertThrows(RegistryRequestException.class, () -> registry.schemaById(1));
    assertEquals(401, unauthorized.status());
    assertTrue(unauthorized.getMessage().contains("basic.auth.user.info"));
    assertEquals(4, server.requests().size(), "client errors are not retried");
  }

  @Test
  void serverErrorsAreRetriedUntilOneSucceeds() {
    server = FakeRegistryServer.http()
        .respond(503, "starting")
        .respond(500, "{\"error_code\":50001,\"message\":\"store\"}")
        .respond(200, "{\"id\":3}");

    assertEquals(3, client(Map.of("max.retries", "2")).register("s", SCHEMA));
    assertEquals(3, server.requests().size());
  }

  @Test
  void retriesAreBoundedThenTheOutageIsSurfaced() {
    server = FakeRegistryServer.http().respond(503, "a").respond(503, "b").respond(200, "{}");

    RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class,
        () -> client(Map.of("max.retries", "1")).schemaById(1));

    assertEquals(2, server.requests().size());
    assertTrue(e.getMessage().contains("2 attempts"), e.getMessage());
    assertTrue(e.getCause().getMessage().contains("HTTP 503"), e.getCause().getMessage());
  }

  @Test
  void aRefusedConnectionIsRetriedWithBackoffThenSurfaced() throws IOException {
    String url = "http://127.0.0.1:" + deadPort() + "/apis/ccompat/v7";
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
  void theNextUrlIsTriedWhenOneIsDown() throws IOException {
    server = FakeRegistryServer.http().respond(200, "{\"id\":5}");
    String urls = "http://127.0.0.1:" + deadPort() + "/x, " + server.url("http") + "/";

    SchemaRegistry registry = RestSchemaRegistry.fromConfigs(Map.of(
        "schema.registry.url", urls, "max.retries", "1", "retries.wait.ms", "0"));

    assertEquals(5, registry.register("s", SCHEMA));
    assertEquals("/apis/ccompat/v7/subjects/s/versions", server.requests().get(0).rawPath());
  }

  @Test
  void basicAuthFromUserInfo() {
    server = FakeRegistryServer.http().respond(200, "{\"id\":1}").respond(200, "{\"id\":1}");

    client(Map.of("basic.auth.credentials.source", "USER_INFO",
        "basic.auth.user.info", "alice:s3cr:et")).register("s", SCHEMA);
    client(Map.of("basic.auth.credentials.source", "user_info",
        "schema.registry.basic.auth.user.info", "carol:pw",
        "basic.auth.user.info", "ignored:pw")).register("s", SCHEMA);

    assertEquals(basic("alice:s3cr:et"), server.requests().get(0).authorization());
    assertEquals(basic("carol:pw"), server.requests().get(1).authorization());
  }

  @Test
  void basicAuthFromTheUrl() {
    server = FakeRegistryServer.http().respond(200, "{\"id\":1}");
    String url = server.url("http").replace("http://", "http://bob:p%40ss@");

    RestSchemaRegistry.fromConfigs(Map.of("schema.registry.url", url,
        "basic.auth.credentials.source", "URL")).register("s", SCHEMA);

    assertEquals(basic("bob:p@ss"), server.requests().get(0).authorization());
  }

  @Test
  void misconfiguredBasicAuthIsRejectedUpFront() {
    Map<String, Object> noUserInfo = new HashMap<>(Map.of(
        "schema.registry.url", "http://127.0.0.1:1", "basic.auth.credentials.source", "USER_INFO"));
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> RestSchemaRegistry.fromConfigs(noUserInfo));
    assertTrue(missing.getMessage().contains("basic.auth.user.info"), missing.getMessage());

    noUserInfo.put("basic.auth.user.info", "nocolon");
    assertThrows(IllegalArgumentException.class, () -> RestSchemaRegistry.fromConfigs(noUserInfo));

    noUserInfo.put("basic.auth.credentials.source", "SASL_INHERIT");
    IllegalArgumentException sasl = assertThrows(IllegalArgumentException.class,
        () -> RestSchemaRegistry.fromConfigs(noUserInfo));
    assertTrue(sasl.getMessage().contains("SASL_INHERIT"), sasl.getMessage());
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
    configs.putIfAbsent("retries.wait.ms", "1");
    return RestSchemaRegistry.fromConfigs(configs);
  }

  private static String line(FakeRegistryServer.Request request) {
    return request.method() + " " + request.rawPath();
  }

  private static String basic(String userInfo) {
    return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
  }

  private static int deadPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
