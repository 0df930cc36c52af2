package io.foleystream.schemas.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Settings of the REST schema-registry client, read from the configuration keys Confluent's client
 * uses, so that existing Kafka client and Streams configurations work unchanged.
 *
 * <table>
 * <caption>Keys</caption>
 * <tr><th>key</th><th>meaning</th><th>default</th></tr>
 * <tr><td>{@code schema.registry.url}</td><td>comma-separated base URLs, tried in turn; for
 *   Apicurio {@code http://host:port/apis/ccompat/v7}</td><td>required</td></tr>
 * <tr><td>{@code basic.auth.credentials.source}</td><td>{@code USER_INFO}: credentials from
 *   {@code basic.auth.user.info}; {@code URL}: from the user info of the URL
 *   ({@code http://user:password@host/})</td><td>{@code URL}</td></tr>
 * <tr><td>{@code basic.auth.user.info}</td><td>{@code user:password}</td><td>none</td></tr>
 * <tr><td>{@code max.retries}</td><td>retries after a failed attempt (connection refused, timeout,
 *   HTTP 5xx, 408, 429)</td><td>3</td></tr>
 * <tr><td>{@code retries.wait.ms}</td><td>wait before the first retry; doubles each retry</td>
 *   <td>500</td></tr>
 * <tr><td>{@code retries.max.wait.ms}</td><td>longest wait between retries</td><td>5000</td></tr>
 * <tr><td>{@code http.connect.timeout.ms}</td><td>connection timeout</td><td>10000</td></tr>
 * <tr><td>{@code http.read.timeout.ms}</td><td>time to wait for an answer</td><td>30000</td></tr>
 * <tr><td>{@code latest.cache.ttl.sec}</td><td>how long a subject's latest version is cached;
 *   -1 forever</td><td>-1</td></tr>
 * <tr><td>{@code schema.registry.ssl.*}</td><td>TLS trust and key stores, see
 *   {@link RegistryTlsContext}</td><td>the JVM's trust store</td></tr>
 * </table>
 *
 * <p>Every key but the TLS ones is also accepted with the {@code schema.registry.} prefix (the
 * prefixed spelling wins); the TLS keys need it, so that they never pick up the Kafka client's own
 * {@code ssl.*} settings.
 */
public final class RegistryClientConfig {

  /** Base URL(s) of the registry's Confluent-compatible API. */
  public static final String URL = "schema.registry.url";
  /** Where basic-auth credentials come from: USER_INFO or URL. */
  public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
  /** Basic-auth credentials as {@code user:password}. */
  public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
  /** Retries after a failed attempt. */
  public static final String MAX_RETRIES = "max.retries";
  /** Wait before the first retry, in milliseconds. */
  public static final String RETRIES_WAIT_MS = "retries.wait.ms";
  /** Longest wait between retries, in milliseconds. */
  public static final String RETRIES_MAX_WAIT_MS = "retries.max.wait.ms";
  /** Connection timeout, in milliseconds. */
  public static final String HTTP_CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
  /** Time to wait for an answer, in milliseconds. */
  public static final String HTTP_READ_TIMEOUT_MS = "http.read.timeout.ms";
  /** How long the latest version of a subject is cached, in seconds; -1 forever. */
  public static final String LATEST_CACHE_TTL_SEC = "latest.cache.ttl.sec";

  static final String PREFIX = "schema.registry.";

  private final List<URI> urls;
  private final Optional<String> authorization;
  private final Optional<SSLContext> sslContext;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final RetryBackoff retryBackoff;
  private final Optional<Duration> latestCacheTtl;

  private RegistryClientConfig(Map<String, ?> configs) {
    Object url = configs.get(URL);
    if (url == null || url.toString().isBlank()) {
      throw new IllegalArgumentException("missing setting '" + URL + "': the base URL of the"
          + " schema registry's Confluent-compatible API (for Apicurio Registry"
          + " http://host:port/apis/ccompat/v7)");
    }
    List<URI> parsed = parseUrls(url.toString());
    this.authorization = BasicAuthHeader.from(
        setting(configs, BASIC_AUTH_CREDENTIALS_SOURCE).orElse("URL"),
        setting(configs, BASIC_AUTH_USER_INFO), parsed.get(0));
    this.urls = parsed.stream().map(RegistryClientConfig::withoutUserInfo).toList();
    this.sslContext = RegistryTlsContext.from(configs, PREFIX);
    this.connectTimeout = Duration.ofMillis(longSetting(configs, HTTP_CONNECT_TIMEOUT_MS, 10_000));
    this.requestTimeout = Duration.ofMillis(longSetting(configs, HTTP_READ_TIMEOUT_MS, 30_000));
    this.retryBackoff = new RetryBackoff(
        (int) longSetting(configs, MAX_RETRIES, 3),
        Duration.ofMillis(longSetting(configs, RETRIES_WAIT_MS, 500)),
        Duration.ofMillis(longSetting(configs, RETRIES_MAX_WAIT_MS, 5_000)));
    long ttl = longSetting(configs, LATEST_CACHE_TTL_SEC, -1);
    this.latestCacheTtl = ttl < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(ttl));
  }

  /**
   * Reads the client settings from a Kafka-style configuration map.
   *
   * @param configs the configuration; values may be strings or numbers
   * @return the settings
   * @throws IllegalArgumentException when a setting is missing or malformed
   */
  public static RegistryClientConfig from(Map<String, ?> configs) {
    return new RegistryClientConfig(configs);
  }

  /**
   * The registry's base URLs, without user info.
   *
   * @return one or more URLs, in the order they are tried
   */
  public List<URI> urls() {
    return urls;
  }

  /**
   * The value of the {@code Authorization} header, when basic auth is configured.
   *
   * @return {@code Basic <base64>} or empty
   */
  public Optional<String> authorization() {
    return authorization;
  }

  /**
   * The TLS context for {@code https} URLs, when trust or key stores are configured.
   *
   * @return the context, or empty for the JVM's default
   */
  public Optional<SSLContext> sslContext() {
    return sslContext;
  }

  /**
   * The connection timeout.
   *
   * @return the timeout
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * How long one request may wait for its answer.
   *
   * @return the timeout
   */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /**
   * How often and after what waits failed requests are retried.
   *
   * @return the retry schedule
   */
  public RetryBackoff retryBackoff() {
    return retryBackoff;
  }

  /**
   * How long a subject's latest version stays cached.
   *
   * @return the time to live, or empty for forever
   */
  public Optional<Duration> latestCacheTtl() {
    return latestCacheTtl;
  }

  static Optional<String> setting(Map<String, ?> configs, String key) {
    Object value = configs.get(PREFIX + key);
    if (value == null) {
      value = configs.get(key);
    }
    return value == null || value.toString().isBlank()
        ? Optional.empty() : Optional.of(value.toString().trim());
  }

  private static long longSetting(Map<String, ?> configs, String key, long defaultValue) {
    Optional<String> value = setting(configs, key);
    if (value.isEmpty()) {
      return defaultValue;
    }
    try {
      return Long.parseLong(value.get());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("setting '" + key + "' must be a whole number, not '"
          + value.get() + "'", e);
    }
  }

  private static List<URI> parseUrls(String value) {
    List<URI> urls = new ArrayList<>();
    for (String part : value.split(",")) {
      String trimmed = part.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      try {
        URI uri = new URI(trimmed);
        if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())
            || uri.getHost() == null) {
          throw new IllegalArgumentException("'" + URL + "' must list http or https URLs, not '"
              + trimmed + "'");
        }
        urls.add(uri);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("'" + URL + "' holds a malformed URL '" + trimmed + "'",
            e);
      }
    }
    if (urls.isEmpty()) {
      throw new IllegalArgumentException("'" + URL + "' lists no URL");
    }
    return List.copyOf(urls);
  }

  private static URI withoutUserInfo(URI uri) {
    try {
      String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceAll("/+$", "");
      return new URI(uri.getScheme() + "://" + uri.getHost()
          + (uri.getPort() >= 0 ? ":" + uri.getPort() : "") + path);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("cannot rebuild '" + uri + "' without its user info", e);
    }
  }
}
