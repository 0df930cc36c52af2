package io.foleystream.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link SchemaRegistry} that talks the Confluent Schema Registry REST API over
 * {@code java.net.http}, with timeouts, bounded retries and basic-auth and TLS settings
 * ({@link RegistryClientConfig}). It caches nothing: wrap it in a {@link CachingSchemaRegistry}.
 *
 * <p>Written here rather than taken from Confluent's client because Confluent's artifacts are not
 * on Maven Central, and Apicurio's own client speaks Apicurio's native API instead of this one.
 */
public final class RestSchemaRegistry implements SchemaRegistry {

  private static final Logger LOG = LoggerFactory.getLogger(RestSchemaRegistry.class);
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final String ACCEPT =
      "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json, "
          + "application/json";

  /** How the client waits between attempts; tests record the waits instead of sleeping. */
  @FunctionalInterface
  interface Pause {
    void waitFor(long millis) throws InterruptedException;
  }

  private final RegistryClientConfig config;
  private final Pause pause;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();

  /**
   * Creates a client; it connects on first use.
   *
   * @param config the client settings
   */
  public RestSchemaRegistry(RegistryClientConfig config) {
    this(config, Thread::sleep);
  }

  RestSchemaRegistry(RegistryClientConfig config, Pause pause) {
    this.config = config;
    this.pause = pause;
    HttpClient.Builder builder = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(config.connectTimeout())
        .followRedirects(HttpClient.Redirect.NEVER);
    config.sslContext().ifPresent(builder::sslContext);
    this.http = builder.build();
  }

  /**
   * Creates a client from a Kafka-style configuration map.
   *
   * @param configs the configuration, see {@link RegistryClientConfig}
   * @return the client
   */
  public static RestSchemaRegistry fromConfigs(Map<String, ?> configs) {
    return new RestSchemaRegistry(RegistryClientConfig.from(configs));
  }

  @Override
  public int register(String subject, Schema schema) {
    JsonNode answer = send("POST", "/subjects/" + encode(subject) + "/versions",
        schemaBody(schema), "register a schema under subject '" + subject + "'");
    return requiredInt(answer, "id");
  }

  @Override
  public RegisteredSchema lookup(String subject, Schema schema) {
    JsonNode answer = send("POST", "/subjects/" + encode(subject), schemaBody(schema),
        "look up a schema under subject '" + subject + "'");
    return registered(answer, subject);
  }

  @Override
  public Schema schemaById(int id) {
    JsonNode answer = send("GET", "/schemas/ids/" + id, null, "fetch schema id " + id);
    return parse(requiredText(answer, "schema"));
  }

  @Override
  public RegisteredSchema latest(String subject) {
    JsonNode answer = send("GET", "/subjects/" + encode(subject) + "/versions/latest", null,
        "fetch the latest schema of subject '" + subject + "'");
    return registered(answer, subject);
  }

  @Override
  public CompatibilityResult testCompatibility(String subject, Schema schema) {
    JsonNode answer;
    try {
      answer = send("POST",
          "/compatibility/subjects/" + encode(subject) + "/versions/latest?verbose=true",
          schemaBody(schema), "test compatibility with subject '" + subject + "'");
    } catch (SchemaNotFoundException e) {
      if (e.errorCode() == SchemaNotFoundException.SUBJECT_NOT_FOUND) {
        return new CompatibilityResult(true, List.of());
      }
      throw e;
    }
    List<String> messages = new ArrayList<>();
    answer.path("messages").forEach(message -> messages.add(message.asText()));
    return new CompatibilityResult(answer.path("is_compatible").asBoolean(false), messages);
  }

  @Override
  public void setCompatibility(String subject, CompatibilityLevel level) {
    ObjectNode body = json.createObjectNode().put("compatibility", level.name());
    send("PUT", "/config/" + encode(subject), body,
        "set the compatibility of subject '" + subject + "' to " + level);
  }

  @Override
  public CompatibilityLevel compatibility(String subject) {
    JsonNode answer = send("GET", "/config/" + encode(subject) + "?defaultToGlobal=true", null,
        "read the compatibility of subject '" + subject + "'");
    return level(answer, "subject '" + subject + "'");
  }

  @Override
  public Optional<CompatibilityLevel> subjectCompatibility(String subject) {
    JsonNode answer;
    try {
      answer = send("GET", "/config/" + encode(subject) + "?defaultToGlobal=false", null,
          "read the compatibility set on subject '" + subject + "'");
    } catch (SchemaNotFoundException e) {
      // 40401 (no such subject) or 40408 (no level of its own): the subject follows the global.
      return Optional.empty();
    }
    return Optional.of(level(answer, "subject '" + subject + "'"));
  }

  @Override
  public CompatibilityLevel globalCompatibility() {
    return level(send("GET", "/config", null, "read the global compatibility level"),
        "the registry");
  }

  private CompatibilityLevel level(JsonNode answer, String of) {
    JsonNode level = answer.hasNonNull("compatibilityLevel")
        ? answer.get("compatibilityLevel") : answer.path("compatibility");
    if (!level.isTextual()) {
      throw new RegistryRequestException("the registry's answer to a compatibility query for "
          + of + " names no level: " + answer, 200, 200);
    }
    return CompatibilityLevel.parse(level.asText());
  }

  private ObjectNode schemaBody(Schema schema) {
    return json.createObjectNode().put("schema", schema.toString());
  }

  private RegisteredSchema registered(JsonNode answer, String subject) {
    return new RegisteredSchema(answer.path("subject").asText(subject),
        requiredInt(answer, "version"), requiredInt(answer, "id"),
        parse(requiredText(answer, "schema")));
  }

  /**
   * Sends one request, retrying transport failures and retryable statuses, trying the configured
   * URLs in turn.
   */
  private JsonNode send(String method, String path, JsonNode body, String action) {
    RetryBackoff backoff = config.retryBackoff();
    List<URI> urls = config.urls();
    Exception lastFailure = null;
    for (int attempt = 0; attempt <= backoff.maxRetries(); attempt++) {
      if (attempt > 0) {
        sleep(backoff.waitBefore(attempt).toMillis(), action);
      }
      URI url = URI.create(urls.get(attempt % urls.size()) + path);
      try {
        HttpResponse<String> response = http.send(request(method, url, body),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        int status = response.statusCode();
        if (status / 100 == 2) {
          // An empty body (a PUT's answer, say) reads as a missing node, which every reader
          // of the answer treats as a document without the fields it looks for.
          return json.readTree(response.body());
        }
        if (status / 100 == 5 || status == 408 || status == 429) {
          lastFailure = new IOException("HTTP " + status + " from " + url + ": "
              + abbreviate(response.body()));
          LOG.debug("registry attempt {} to {} failed: {}", attempt + 1, action, lastFailure);
          continue;
        }
        throw refusal(status, response.body(), action, url);
      } catch (IOException e) {
        lastFailure = e;
        LOG.debug("registry attempt {} to {} failed: {}", attempt + 1, action, e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RegistryUnavailableException("interrupted while trying to " + action, e);
      }
    }
    throw new RegistryUnavailableException("schema registry unavailable: could not " + action
        + " at " + urls + " in " + (backoff.maxRetries() + 1) + " attempts; last failure: "
        + lastFailure, lastFailure);
  }

  private HttpRequest request(String method, URI url, JsonNode body) throws IOException {
    HttpRequest.Builder builder = HttpRequest.newBuilder(url)
        .timeout(config.requestTimeout())
        .header("Accept", ACCEPT);
    config.authorization().ifPresent(value -> builder.header("Authorization", value));
    if (body == null) {
      builder.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      builder.header("Content-Type", CONTENT_TYPE)
          .method(method, HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
    }
    return builder.build();
  }

  private RegistryRequestException refusal(int status, String body, String action, URI url) {
    int errorCode = status;
    String message = abbreviate(body);
    try {
      JsonNode error = json.readTree(body);
      errorCode = error.path("error_code").asInt(status);
      message = error.path("message").asText(message);
    } catch (IOException e) {
      // Not a Confluent error document (a proxy's page, say): report the raw body.
    }
    String text = "could not " + action + ": " + url + " answered HTTP " + status
        + " (error code " + errorCode + "): " + message;
    if (status == 404) {
      return new SchemaNotFoundException(text, errorCode);
    }
    if (status == 409) {
      return new IncompatibleSchemaException(text);
    }
    if (status == 401 || status == 403) {
      text += " (check " + RegistryClientConfig.BASIC_AUTH_CREDENTIALS_SOURCE + " and "
          + RegistryClientConfig.BASIC_AUTH_USER_INFO + ")";
    }
    return new RegistryRequestException(text, status, errorCode);
  }

  private static Schema parse(String text) {
    try {
      return new Schema.Parser().parse(text);
    } catch (SchemaParseException e) {
      throw new RegistryRequestException("the registry returned a schema that is not valid Avro: "
          + e.getMessage(), 200, 200);
    }
  }

  private static int requiredInt(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.canConvertToInt()) {
      throw new RegistryRequestException("the registry's answer lacks the number '" + field
          + "': " + abbreviate(node.toString()), 200, 200);
    }
    return value.asInt();
  }

  private static String requiredText(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new RegistryRequestException("the registry's answer lacks the text '" + field + "': "
          + abbreviate(node.toString()), 200, 200);
    }
    return value.asText();
  }

  private void sleep(long millis, String action) {
    try {
      pause.waitFor(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryUnavailableException("interrupted while waiting to retry: " + action, e);
    }
  }

  private static String encode(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String abbreviate(String text) {
    return text.length() <= 500 ? text : text.substring(0, 500) + "...";
  }
}
