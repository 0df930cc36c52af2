package io.foleystream.cli;

import io.foleystream.config.ConfigException;
import io.foleystream.config.ConfigKeys;
import io.foleystream.config.FoleystreamConfig;
import io.foleystream.schemas.registry.RegistryClientConfig;
import io.foleystream.schemas.registry.RegistryRequestException;
import io.foleystream.schemas.registry.RegistryUnavailableException;
import io.foleystream.schemas.registry.SchemaRegistries;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;

/**
 * Asks the Kafka broker and the schema registry a cheap question before a command starts its
 * work, with a short timeout, so that an unreachable service is one clear line within seconds
 * rather than a minute of client warnings and a bare timeout.
 */
final class ServiceCheck {

  /** How long a check waits when the command has no timeout of its own. */
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private ServiceCheck() {}

  /**
   * Fails unless the broker and the registry addresses are set, so that a missing setting is
   * reported before any network wait.
   *
   * @param config the configuration
   * @throws ConfigException naming the first missing setting and how to give it
   */
  static void requireAddresses(FoleystreamConfig config) {
    requiredSetting(config, AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "--bootstrap-servers");
    requiredSetting(config, RegistryClientConfig.URL, "--registry-url");
  }

  /**
   * Fails unless the configured Kafka cluster answers within the timeout and has the topics.
   *
   * @param config the configuration ({@code bootstrap.servers} and the security keys)
   * @param timeout the longest wait
   * @param topics topics the command reads or writes
   * @throws ConfigException if {@code bootstrap.servers} is not set
   * @throws ServiceUnreachableException if no broker answers or a topic is missing
   */
  static void requireBroker(FoleystreamConfig config, Duration timeout, String... topics) {
    String servers = requiredSetting(config, AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
        "--bootstrap-servers");
    Map<String, Object> props = new HashMap<>();
    config.passThrough().forEach((k, v) -> {
      if (AdminClientConfig.configNames().contains(k)) {
        props.put(k, v);
      }
    });
    int millis = (int) Math.max(1, timeout.toMillis());
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
    props.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, Math.min(millis, 5000));
    props.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG,
        Math.min(millis, 5000));
    props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
    String problem;
    try (Admin admin = Admin.create(props)) {
      admin.describeCluster(new DescribeClusterOptions().timeoutMs(millis)).clusterId()
          .get(millis + 2000L, TimeUnit.MILLISECONDS);
      Set<String> missing = new TreeSet<>(List.of(topics));
      missing.removeAll(admin.listTopics().names().get(millis + 2000L, TimeUnit.MILLISECONDS));
      if (!missing.isEmpty()) {
        throw new ServiceUnreachableException("the Kafka cluster at " + servers + " has no topic "
            + String.join(", ", missing) + "; start 'foleystream run' once (it creates the"
            + " topics) or create it");
      }
      return;
    } catch (ExecutionException e) {
      problem = e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException
          ? "no answer" : ErrorReporter.describe(e.getCause());
    } catch (TimeoutException e) {
      problem = "no answer";
    } catch (KafkaException e) {
      problem = ErrorReporter.describe(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      problem = "interrupted";
    }
    throw new ServiceUnreachableException(String.format(Locale.ROOT,
        "cannot reach the Kafka broker at %s within %d s (%s); check --bootstrap-servers"
            + " (bootstrap.servers) and that the broker is up", servers,
        Math.max(1, timeout.toSeconds()), problem));
  }

  /**
   * Fails unless the configured schema registry answers within the timeout: it reads a
   * subject's compatibility level, which any reachable registry answers, even for an unknown
   * subject (with an error status that is not a connection failure).
   *
   * @param config the configuration ({@code schema.registry.url} and its client keys)
   * @param subject a subject the command uses
   * @param timeout the longest wait
   * @throws ConfigException if {@code schema.registry.url} is not set
   * @throws ServiceUnreachableException if the registry does not answer or refuses access
   */
  static void requireRegistry(FoleystreamConfig config, String subject, Duration timeout) {
    String url = requiredSetting(config, RegistryClientConfig.URL, "--registry-url");
    Map<String, Object> props = new HashMap<>(config.passThrough());
    String millis = String.valueOf(Math.max(1, timeout.toMillis()));
    props.put(RegistryClientConfig.MAX_RETRIES, "0");
    props.put(RegistryClientConfig.HTTP_CONNECT_TIMEOUT_MS, millis);
    props.put(RegistryClientConfig.HTTP_READ_TIMEOUT_MS, millis);
    try {
      SchemaRegistries.fromConfigs(props).compatibility(subject);
    } catch (RegistryUnavailableException e) {
      throw new ServiceUnreachableException("cannot reach the schema registry at " + url
          + " within " + Math.max(1, timeout.toSeconds()) + " s (" + rootMessage(e)
          + "); check --registry-url (schema.registry.url) and that the registry is up");
    } catch (RegistryRequestException e) {
      if (e.status() == 401 || e.status() == 403) {
        throw new ServiceUnreachableException("the schema registry at " + url
            + " refused access (HTTP " + e.status() + "); check basic.auth.user.info");
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException(RegistryClientConfig.URL + " " + url + ": " + e.getMessage(), e);
    }
  }

  private static String requiredSetting(FoleystreamConfig config, String key, String option) {
    String value = config.raw(key);
    if (value == null || value.isBlank()) {
      throw new ConfigException(key + " must be set: give " + option + " or set "
          + ConfigKeys.environmentVariableFor(key));
    }
    return value;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
  }
}
