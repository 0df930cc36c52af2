package io.foleystream.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.foleystream.schemas.VideoChunk;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The REST client's requests, answers, error mapping, retries and basic auth, checked against a
 * local HTTP server that plays the registry and answers at once. Waits, timeouts, refused
 * connections and TLS are in {@link RestSchemaRegistryTransportTest}, apart so that mutation
 * testing can run the client against these fast cases first.
 */
class RestSchemaRegistryTest {

  private static final Schema SCHEMA = VideoChunk.getClassSchema();
  private static final String SCHEMA_JSON =
      new ObjectMapper().createObjectNode().put("schema", SCHEMA.toString()).toString();

  private FakeRegistryServer server;

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
  void theNextUrlIsTriedWhenOneIsDown() throws IOException {
    server = FakeRegistryServer.http().respond(200, "{\"id\":5}");
    String urls = "http://127.0.0.1:" + FakeRegistryServer.unusedPort() + "/x, " + server.url("http") + "/";

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
  void everyRetryableStatusIsRetriedAfterTheBackoffButTheFirstAttemptIsNotDelayed() {
    server = FakeRegistryServer.http()
        .respond(503, "starting")
        .respond(429, "slow down")
        .respond(408, "request timeout")
        .respond(200, "{\"id\":3}")
        .respond(200, "{\"id\":4}");
    List<Long> waits = new ArrayList<>();
    SchemaRegistry registry = client(Map.of("max.retries", "3", "retries.wait.ms", "100",
        "retries.max.wait.ms", "300"), waits::add);

    assertEquals(3, registry.register("s", SCHEMA));
    assertEquals(List.of(100L, 200L, 300L), waits);
    assertEquals(4, registry.register("s", SCHEMA));
    assertEquals(3, waits.size(), "an answer at the first attempt waits for nothing");
  }

  @Test
  void anInterruptedWaitStopsRetryingAndKeepsTheInterrupt() {
    server = FakeRegistryServer.http().respond(503, "down").respond(200, "{\"id\":1}");
    SchemaRegistry registry = client(Map.of("max.retries", "3"), millis -> {
      throw new InterruptedException("stop");
    });

    RegistryUnavailableException e =
        assertThrows(RegistryUnavailableException.class, () -> registry.register("s", SCHEMA));

    assertTrue(Thread.interrupted(), "the thread's interrupt is restored");
    assertTrue(e.getMessage().contains("interrupted while waiting to retry"), e.getMessage());
    assertEquals(1, server.requests().size());
  }

  @Test
  void anInterruptedRequestIsNotRetriedAndKeepsTheInterrupt() {
    server = FakeRegistryServer.http().respond(200, "{\"id\":1}");
    SchemaRegistry registry = client(Map.of("max.retries", "3"));

    Thread.currentThread().interrupt();
    RegistryUnavailableException e =
        assertThrows(RegistryUnavailableException.class, () -> registry.register("s", SCHEMA));

    assertTrue(Thread.interrupted(), "the thread's interrupt is restored");
    assertTrue(e.getMessage().contains("interrupted while trying to register"), e.getMessage());
  }

  @Test
  void subjectAndGlobalCompatibilityLevels() {
    server = FakeRegistryServer.http()
        .respond(200, "{\"compatibilityLevel\":\"FORWARD\"}")
        .respond(404, "{\"error_code\":40408,\"message\":\"no level of its own\"}")
        .respond(200, "{\"compatibilityLevel\":null,\"compatibility\":\"NONE\"}")
        .respond(200, "{\"compatibilityLevel\":7}")
        .respond(200, "");
    SchemaRegistry registry = client(Map.of());

    assertEquals(Optional.of(CompatibilityLevel.FORWARD), registry.subjectCompatibility("a"));
    assertEquals(Optional.empty(), registry.subjectCompatibility("b"));
    assertEquals(CompatibilityLevel.NONE, registry.globalCompatibility());
    RegistryRequestException notALevel =
        assertThrows(RegistryRequestException.class, () -> registry.compatibility("c"));
    assertTrue(notALevel.getMessage().contains("subject 'c' names no level"),
        notALevel.getMessage());
    RegistryRequestException empty =
        assertThrows(RegistryRequestException.class, registry::globalCompatibility);
    assertTrue(empty.getMessage().contains("the registry names no level"), empty.getMessage());

    assertEquals("GET /apis/ccompat/v7/config/a?defaultToGlobal=false",
        line(server.requests().get(0)));
    assertEquals("GET /apis/ccompat/v7/config", line(server.requests().get(2)));
  }

  @Test
  void answersWithoutTheirFieldsAreRefused() {
    String badSchema = "{\"subject\":\"s\",\"version\":1,\"id\":2,\"schema\":\"{not avro\"}";
    server = FakeRegistryServer.http()
        .respond(200, "{\"version\":1}")
        .respond(200, "{\"id\":\"seven\"}")
        .respond(200, "{\"id\":1}")
        .respond(200, "{\"schema\":7}")
        .respond(200, badSchema)
        .respond(200, "");
    SchemaRegistry registry = client(Map.of());

    assertTrue(refused(() -> registry.register("s", SCHEMA)).contains("lacks the number 'id'"));
    assertTrue(refused(() -> registry.register("s", SCHEMA)).contains("lacks the number 'id'"));
    assertTrue(refused(() -> registry.schemaById(1)).contains("lacks the text 'schema'"));
    assertTrue(refused(() -> registry.schemaById(1)).contains("lacks the text 'schema'"));
    assertTrue(refused(() -> registry.latest("s")).contains("not valid Avro"));
    assertTrue(refused(() -> registry.register("s", SCHEMA)).contains("lacks the number 'id'"),
        "an empty answer has no fields");
  }

  @Test
  void refusalsQuoteTheBodyShortenedAndHintAtCredentialsOnlyWhenDenied() {
    String page = "x".repeat(499) + "yz";
    String exactly500 = "w".repeat(500);
    server = FakeRegistryServer.http()
        .respond(403, "Forbidden by proxy")
        .respond(400, page)
        .respond(400, exactly500);
    SchemaRegistry registry = client(Map.of());

    String forbidden = refused(() -> registry.schemaById(1));
    assertTrue(forbidden.contains("HTTP 403 (error code 403): Forbidden by proxy"), forbidden);
    assertTrue(forbidden.contains("basic.auth.user.info"), forbidden);
    String longPage = refused(() -> registry.schemaById(1));
    assertTrue(longPage.endsWith("x".repeat(499) + "y..."), longPage);
    assertFalse(longPage.contains("basic.auth"), longPage);
    assertTrue(refused(() -> registry.schemaById(1)).endsWith(": " + exactly500));
  }

  @Test
  void requestsWithoutABodySendNoContentType() {
    server = FakeRegistryServer.http().respond(200, SCHEMA_JSON);

    client(Map.of()).schemaById(1);

    assertNull(server.requests().get(0).contentType());
    assertEquals("", server.requests().get(0).body());
  }

  /** A client of the fake registry whose waits between attempts take no time. */
  private SchemaRegistry client(Map<String, ?> extra) {
    return client(extra, millis -> { });
  }

  private SchemaRegistry client(Map<String, ?> extra, RestSchemaRegistry.Pause pause) {
    Map<String, Object> configs = new HashMap<>(extra);
    configs.put("schema.registry.url", server.url("http"));
    return new RestSchemaRegistry(RegistryClientConfig.from(configs), pause);
  }

  private static String refused(Executable call) {
    return assertThrows(RegistryRequestException.class, call).getMessage();
  }

  private static String line(FakeRegistryServer.Request request) {
    return request.method() + " " + request.rawPath();
  }

  private static String basic(String userInfo) {
    return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
  }
}
