package io.foleystream.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.foleystream.cli.FoleystreamCli;
import io.foleystream.config.ConfigKeys;
import io.foleystream.config.FoleystreamConfig;
import io.foleystream.media.VideoSource;
import io.foleystream.schemas.registry.RegistryClientConfig;
import io.foleystream.topology.operations.OperationsServer;
import io.foleystream.topology.records.TopicNames;
import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import picocli.CommandLine;

/**
 * Static checks of docker/compose.yaml (no Docker engine needed): the services, ports and
 * dependencies fit together; the application's services set only real configuration keys, reach
 * the broker and registry of this file, find the topics they use with the partitions, sizes and
 * cleanup they need, each get a GPU of their own, their model set read-only where the image looks
 * for it, and time to commit on shutdown; Prometheus scrapes the metrics endpoint.
 */
class ComposeFileTest {

  private static final Set<String> CONDITIONS = Set.of("service_started", "service_healthy",
      "service_completed_successfully");
  private static ComposeFile compose;
  private static Dockerfile dockerfile;

  @BeforeAll
  static void read() throws IOException {
    compose = ComposeFile.read(Repository.file("docker/compose.yaml"));
    dockerfile = Dockerfile.read(Repository.file("docker/Dockerfile"));
  }

  /** The services built from docker/Dockerfile. */
  private static List<ComposeFile.Service> ourServices() {
    return compose.services().values().stream().filter(s -> s.build().isPresent()).toList();
  }

  /** Our services that run the streaming application (the image's default command). */
  private static List<ComposeFile.Service> applicationServices() {
    return ourServices().stream().filter(s -> command(s).get(0).equals("run")).toList();
  }

  private static String variant(ComposeFile.Service service) {
    return service.build().orElseThrow().args().getOrDefault(Images.VARIANT,
        dockerfile.globalArgs().get(Images.VARIANT));
  }

  /** The service's command, or the image's CMD when it sets none. */
  private static List<String> command(ComposeFile.Service service) {
    return service.command().orElseGet(() ->
        dockerfile.finalStage().last("CMD").orElseThrow().words());
  }

  /** What the container gets: the image's FOLEYSTREAM_* variables, then the service's. */
  private static Map<String, String> containerEnvironment(ComposeFile.Service service) {
    Map<String, String> env = new LinkedHashMap<>(
        Images.applicationEnvironment(dockerfile, variant(service)));
    env.putAll(service.environment());
    return env;
  }

  private static FoleystreamConfig configuration(ComposeFile.Service service) {
    return ApplicationSettings.configuration(containerEnvironment(service));
  }

  @Test
  void dependenciesNameServicesThatCanSatisfyTheirCondition() {
    Map<String, ComposeFile.Service> services = compose.services();
    for (ComposeFile.Service service : services.values()) {
      service.dependsOn().forEach((target, condition) -> {
        ComposeFile.Service dependency = services.get(target);
        assertNotNull(dependency, service.name() + " depends on a missing service " + target);
        assertTrue(CONDITIONS.contains(condition), service.name() + ": " + condition);
        if (condition.equals("service_healthy")) {
          boolean imageCheck = dependency.build().isPresent()
              && dockerfile.finalStage().last("HEALTHCHECK").isPresent();
          assertTrue((!dependency.healthcheck().isEmpty() || imageCheck)
              && !dependency.healthcheckDisabled(), target + " has no health check");
        }
        if (condition.equals("service_completed_successfully")) {
          assertEquals("no", dependency.restart(), target + " must run once to complete");
        }
        if (service.profiles().isEmpty()) {
          assertTrue(dependency.profiles().isEmpty(), service.name()
              + " always starts but depends on " + target + ", which only starts with a"
              + " profile");
        }
      });
    }
    for (String name : services.keySet()) {
      assertFalse(dependsTransitivelyOn(name, name, new HashSet<>()), "cycle through " + name);
    }
  }

  private static boolean dependsTransitivelyOn(String from, String target, Set<String> seen) {
    for (String next : compose.service(from).dependsOn().keySet()) {
      if (next.equals(target) || (seen.add(next) && dependsTransitivelyOn(next, target, seen))) {
        return true;
      }
    }
    return false;
  }

  @Test
  void volumesAndBindSourcesExist() {
    for (ComposeFile.Service service : compose.services().values()) {
      for (ComposeFile.Mount mount : service.mounts()) {
        if (mount.type().equals("volume")) {
          assertTrue(compose.volumes().contains(mount.source()),
              service.name() + " uses the undeclared volume " + mount.source());
        }
      }
    }
    Path prometheusConfig = compose.directory().resolve(
        mountOf(compose.service("prometheus"), "/etc/prometheus/prometheus.yml").source());
    assertTrue(Files.isRegularFile(prometheusConfig), prometheusConfig.toString());
  }

  @Test
  void publishedPortsAreUniqueAndSomethingListensOnThem() {
    Set<String> hostPorts = new HashSet<>();
    for (ComposeFile.Service service : compose.services().values()) {
      for (ComposeFile.Port port : service.ports()) {
        assertTrue(service.replicas() == 1 || port.published() == null,
            service.name() + " has replicas and cannot publish the fixed host port "
                + port.published());
        if (port.published() != null) {
          assertTrue(hostPorts.add(port.published()), "host port used twice: "
              + port.published());
        }
      }
    }
    ComposeFile.Service kafka = compose.service("kafka");
    String listeners = kafka.environment().get("KAFKA_LISTENERS");
    for (ComposeFile.Port port : kafka.ports()) {
      assertTrue(listeners.contains(":" + port.target()), "no listener on " + port.target());
    }
    ComposeFile.Service registry = compose.service("schema-registry");
    for (ComposeFile.Port port : registry.ports()) {
      assertTrue(registry.environment().get("SCHEMA_REGISTRY_LISTENERS")
          .contains(":" + port.target()), "the registry does not listen on " + port.target());
    }
    for (ComposeFile.Service app : applicationServices()) {
      assertEquals(List.of(configuration(app).required(ConfigKeys.HTTP_PORT)), app.expose(),
          app.name() + " must expose its operations port");
    }
  }

  @Test
  void ourServicesSetOnlyRealConfigurationKeys() {
    assertFalse(ourServices().isEmpty());
    for (ComposeFile.Service service : ourServices()) {
      assertEquals(List.of(), ApplicationSettings.problems(service.environment()),
          service.name());
    }
  }

  @Test
  void ourServicesReachTheBrokerAndRegistryOfThisFile() {
    ComposeFile.Service kafka = compose.service("kafka");
    List<String> advertised = List.of(
        kafka.environment().get("KAFKA_ADVERTISED_LISTENERS").split(","));
    ComposeFile.Service registry = compose.service("schema-registry");
    for (ComposeFile.Service service : ourServices()) {
      FoleystreamConfig config = configuration(service);
      String servers = config.raw(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
      assertNotNull(servers, service.name() + " sets no bootstrap servers");
      for (String server : servers.split(",")) {
        assertTrue(advertised.stream().anyMatch(l -> l.endsWith("://" + server.strip())),
            service.name() + ": the broker advertises no listener " + server
                + " (" + advertised + ")");
        assertTrue(compose.services().containsKey(server.split(":")[0]), server);
      }
      URI url = URI.create(config.raw(RegistryClientConfig.URL));
      assertTrue(compose.services().containsKey(url.getHost()), url.toString());
      assertEquals(registry, compose.service(url.getHost()));
      assertTrue(registry.environment().get("SCHEMA_REGISTRY_LISTENERS")
          .endsWith(":" + url.getPort()), "the registry does not listen on " + url);
    }
  }

  /** One topic the topics service creates. */
  private record CreatedTopic(String name, int partitions, Map<String, String> configs) {}

  private static Map<String, CreatedTopic> createdTopics() {
    ComposeFile.Service topics = compose.service("topics");
    Map<String, String> env = topics.environment();
    String script = String.join("\n", topics.command().orElseThrow());
    Map<String, CreatedTopic> created = new LinkedHashMap<>();
    Pattern topic = Pattern.compile("--topic\\s+(\\S+)");
    Pattern partitions = Pattern.compile("--partitions\\s+\\$?(\\S+)");
    Pattern config = Pattern.compile("--config\\s+([^=\\s]+)=(\\S+)");
    for (String line : script.split("\n")) {
      Matcher name = topic.matcher(line);
      if (!name.find()) {
        continue;
      }
      Matcher count = partitions.matcher(line);
      assertTrue(count.find(), "no partition count: " + line);
      String value = env.getOrDefault(count.group(1), count.group(1));
      Map<String, String> configs = new HashMap<>();
      Matcher c = config.matcher(line);
      while (c.find()) {
        configs.put(c.group(1), c.group(2));
      }
      created.put(name.group(1), new CreatedTopic(name.group(1), Integer.parseInt(value),
          configs));
    }
    return created;
  }

  @Test
  void theTopicsServiceCreatesEveryTopicWithWhatTheApplicationNeeds() {
    Map<String, CreatedTopic> created = createdTopics();
    int instances = applicationServices().stream().mapToInt(ComposeFile.Service::replicas).sum();
    for (ComposeFile.Service app : applicationServices()) {
      TopicNames names = TopicNames.from(configuration(app));
      assertEquals(everyTopic(names), created.keySet(), app.name());
      // Records up to the producers' limit on every topic: chunks, tasks embedding them, audio
      // of a chunk or an overlap, dead letters holding raw values.
      for (String large : everyTopic(names)) {
        assertEquals(String.valueOf(TopicNames.LARGE_RECORD_BYTES),
            created.get(large).configs().get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG), large);
      }
      for (String compacted : List.of(names.control(), names.windowTails())) {
        assertEquals(TopicConfig.CLEANUP_POLICY_COMPACT,
            created.get(compacted).configs().get(TopicConfig.CLEANUP_POLICY_CONFIG), compacted);
      }
      assertFalse(configuration(app).booleanValue(ConfigKeys.TOPIC_CREATE),
          app.name() + " would create topics the topics service already creates");
    }
    Set<Integer> counts = new HashSet<>();
    created.values().forEach(t -> counts.add(t.partitions()));
    assertEquals(1, counts.size(), "topics read together need equal partitions: " + created);
    int partitions = counts.iterator().next();
    assertTrue(partitions >= instances, partitions + " partitions for " + instances
        + " instances: the extra instances would idle");
  }

  /** Every topic the application uses: each component of its topic names, new ones included. */
  private static Set<String> everyTopic(TopicNames names) {
    Set<String> topics = new HashSet<>();
    for (RecordComponent component : TopicNames.class.getRecordComponents()) {
      try {
        topics.add((String) component.getAccessor().invoke(names));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    return topics;
  }

  @Test
  void everyGpuInstanceReservesAGpuOfItsOwn() {
    Set<String> devices = new HashSet<>();
    int gpuServices = 0;
    for (ComposeFile.Service service : ourServices()) {
      List<Map<String, Object>> gpus = service.reservedDevices().stream()
          .filter(d -> String.valueOf(d.get("capabilities")).contains("gpu")).toList();
      if (!variant(service).equals("gpu") || !applicationServices().contains(service)) {
        assertEquals(List.of(), gpus, service.name() + " needs no GPU");
        continue;
      }
      gpuServices++;
      // Docker gives every replica of a service the same devices.
      assertEquals(1, service.replicas(), service.name() + ": one GPU service per GPU");
      assertEquals(1, gpus.size(), service.name());
      Object ids = gpus.get(0).get("device_ids");
      assertTrue(ids instanceof List<?> l && l.size() == 1 && !gpus.get(0).containsKey("count"),
          service.name() + " must name exactly one device: " + gpus.get(0));
      assertTrue(devices.add(String.valueOf(((List<?>) ids).get(0))),
          service.name() + " shares its GPU with another service");
    }
    assertTrue(gpuServices > 0, "no GPU instance");
  }

  @Test
  void theModelSetIsMountedReadOnlyWhereTheImageLooksAndTheDocsSaySo() throws IOException {
    String deployDoc = Files.readString(Repository.file("docs/deploy.md"));
    for (ComposeFile.Service app : applicationServices()) {
      String models = configuration(app).required(ConfigKeys.MODELS);
      ComposeFile.Mount mount = mountOf(app, models);
      assertTrue(mount.readOnly(), app.name() + " mounts the model set writable");
      assertTrue(deployDoc.contains("`" + models + "`"), "docs/deploy.md does not name "
          + models);
    }
  }

  private static ComposeFile.Mount mountOf(ComposeFile.Service service, String target) {
    return service.mounts().stream().filter(m -> m.target().equals(target)).findFirst()
        .orElseThrow(() -> new AssertionError(service.name() + " mounts nothing at " + target));
  }

  @Test
  void instancesGetTimeToCommitTheirLastBatchOnShutdown() {
    for (ComposeFile.Service app : applicationServices()) {
      Duration shutdown = Duration.ofMillis(
          configuration(app).longValue(ConfigKeys.SHUTDOWN_TIMEOUT_MS));
      assertTrue(app.stopGracePeriod().compareTo(shutdown) > 0, app.name() + ": "
          + app.stopGracePeriod() + " is not longer than the shutdown timeout " + shutdown);
    }
  }

  @Test
  void commandsAreValidForTheCommandLineAndOnlyTheApplicationKeepsTheHealthCheck() {
    for (ComposeFile.Service service : ourServices()) {
      List<String> command = command(service);
      CommandLine.ParseResult parsed;
      try {
        parsed = FoleystreamCli.commandLine().parseArgs(command.toArray(String[]::new));
      } catch (CommandLine.ParameterException e) {
        fail(service.name() + ": " + e.getMessage());
        return;
      }
      CommandLine.ParseResult sub = parsed.subcommand();
      assertNotNull(sub, service.name() + " runs no command");
      if (sub.hasMatchedOption("--source")) {
        VideoSource.parse(sub.matchedOptionValue("--source", ""));
      }
      boolean serves = sub.commandSpec().name().equals("run");
      assertEquals(!serves, service.healthcheckDisabled(), service.name()
          + (serves ? " must keep the image's health check"
              : " serves no health endpoint: disable the image's health check"));
    }
  }

  @Test
  void ourServicesBuildTheRepositorysDockerfile() {
    for (ComposeFile.Service service : ourServices()) {
      ComposeFile.Build build = service.build().orElseThrow();
      Path context = compose.directory().resolve(build.context()).normalize();
      assertEquals(Repository.root(), context, service.name());
      assertEquals(Repository.file("docker/Dockerfile"),
          context.resolve(build.dockerfile()).normalize(), service.name());
      assertTrue(Images.variants(dockerfile).contains(variant(service)),
          service.name() + ": unknown VARIANT " + variant(service));
    }
  }

  @Test
  void imagesPulledFromRegistriesArePinned() {
    for (ComposeFile.Service service : compose.services().values()) {
      if (service.build().isEmpty()) {
        assertTrue(ImageReference.parse(service.image()).pinned(),
            service.name() + ": not pinned to a release: " + service.image());
      }
    }
  }

  @Test
  void prometheusScrapesTheMetricsEndpointOfEveryInstance() throws IOException {
    Map<String, Object> config;
    try (Reader reader = Files.newBufferedReader(Repository.file("docker/prometheus.yml"))) {
      config = new Yaml(new SafeConstructor(new org.yaml.snakeyaml.LoaderOptions()))
          .load(reader);
    }
    List<Map<String, Object>> jobs = listOfMaps(config.get("scrape_configs"));
    Map<String, Object> job = jobs.stream()
        .filter(j -> "foleystream".equals(j.get("job_name"))).findFirst()
        .orElseThrow(() -> new AssertionError("no foleystream scrape job"));
    assertEquals(OperationsServer.METRICS_PATH, job.get("metrics_path"));
    List<Map<String, Object>> discovery = listOfMaps(job.get("dns_sd_configs"));
    assertEquals(1, discovery.size());
    List<String> names = new ArrayList<>();
    listOf(discovery.get(0).get("names")).forEach(n -> names.add(String.valueOf(n)));
    for (ComposeFile.Service app : applicationServices()) {
      assertEquals(configuration(app).required(ConfigKeys.HTTP_PORT),
          String.valueOf(discovery.get(0).get("port")), app.name());
      assertTrue(app.aliases("default").stream().anyMatch(names::contains),
          "Prometheus does not look up " + app.name() + " (names " + names + ")");
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> listOfMaps(Object node) {
    return (List<Map<String, Object>>) node;
  }

  private static List<?> listOf(Object node) {
    return (List<?>) node;
  }
}
