package io.foleystream.deploy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A Docker Compose file as Compose sees it with no variables set: YAML anchors and merge keys
 * resolved (SnakeYAML does; Jackson's YAML reader does not), then Compose's interpolation
 * applied with each variable's default ({@code ${NAME:-default}}, {@code $$} for a literal
 * dollar). A variable without a default, or a bare {@code $NAME}, is an error: Compose would
 * silently put an empty string there.
 */
final class ComposeFile {

  private static final Pattern INTERPOLATION = Pattern.compile(
      "\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}|\\$([A-Za-z_][A-Za-z0-9_]*)");
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(h|ms|us|m|s)");

  private final Path directory;
  private final Map<String, Object> root;

  private ComposeFile(Path directory, Map<String, Object> root) {
    this.directory = directory;
    this.root = root;
  }

  /**
   * Reads and interpolates a Compose file.
   *
   * @param file the file
   * @return the model
   * @throws IOException if it cannot be read
   */
  static ComposeFile read(Path file) throws IOException {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    Object document;
    try (Reader reader = Files.newBufferedReader(file)) {
      document = new Yaml(new SafeConstructor(options)).load(reader);
    }
    return new ComposeFile(file.toAbsolutePath().getParent(), map(interpolate(document)));
  }

  private static Object interpolate(Object node) {
    if (node instanceof Map<?, ?> map) {
      Map<String, Object> out = new LinkedHashMap<>();
      map.forEach((k, v) -> out.put(String.valueOf(k), interpolate(v)));
      return out;
    }
    if (node instanceof List<?> list) {
      return list.stream().map(ComposeFile::interpolate).toList();
    }
    if (node instanceof String text) {
      Matcher m = INTERPOLATION.matcher(text);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        String replacement;
        if (m.group().equals("$$")) {
          replacement = "$";
        } else if (m.group(4) != null || m.group(2) == null || m.group(2).endsWith("?")) {
          throw new IllegalArgumentException("'" + m.group() + "' in '" + text + "' has no"
              + " default: give it one (${NAME:-value}) or write $$ for the container's shell");
        } else {
          replacement = m.group(3);
        }
        m.appendReplacement(out, Matcher.quoteReplacement(replacement));
      }
      m.appendTail(out);
      return out.toString();
    }
    return node;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object node) {
    if (node == null) {
      return Map.of();
    }
    if (!(node instanceof Map)) {
      throw new IllegalArgumentException("expected a mapping, got " + node);
    }
    return (Map<String, Object>) node;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object node) {
    if (node == null) {
      return List.of();
    }
    if (!(node instanceof List)) {
      throw new IllegalArgumentException("expected a sequence, got " + node);
    }
    return (List<Object>) node;
  }

  /**
   * The directory the file lies in: relative paths in it start there.
   *
   * @return the directory
   */
  Path directory() {
    return directory;
  }

  /**
   * The services, in file order.
   *
   * @return name to service
   */
  Map<String, Service> services() {
    Map<String, Service> services = new LinkedHashMap<>();
    map(root.get("services")).forEach((name, body) -> services.put(name,
        new Service(name, map(body))));
    return services;
  }

  /**
   * A service.
   *
   * @param name the service name
   * @return it
   * @throws IllegalArgumentException if there is none of that name
   */
  Service service(String name) {
    Service service = services().get(name);
    if (service == null) {
      throw new IllegalArgumentException("no service " + name);
    }
    return service;
  }

  /**
   * The named volumes the file declares.
   *
   * @return their names
   */
  List<String> volumes() {
    return List.copyOf(map(root.get("volumes")).keySet());
  }

  /**
   * A published port.
   *
   * @param published the host port, or null when Docker picks one
   * @param target the container port
   */
  record Port(String published, String target) {}

  /**
   * A mount.
   *
   * @param type {@code bind} or {@code volume}
   * @param source the host path or volume name
   * @param target the path in the container
   * @param readOnly whether it is mounted read-only
   */
  record Mount(String type, String source, String target, boolean readOnly) {}

  /**
   * A build section.
   *
   * @param context the context directory, relative to the Compose file
   * @param dockerfile the Dockerfile, relative to the context
   * @param args the build arguments
   */
  record Build(String context, String dockerfile, Map<String, String> args) {}

  /**
   * One service.
   *
   * @param name its name
   * @param body its definition
   */
  record Service(String name, Map<String, Object> body) {

    /**
     * The image it runs (or tags, when it is built).
     *
     * @return the reference, or null
     */
    String image() {
      Object image = body.get("image");
      return image == null ? null : image.toString();
    }

    /**
     * How it is built.
     *
     * @return the build, or empty for a pulled image
     */
    Optional<Build> build() {
      Object build = body.get("build");
      if (build == null) {
        return Optional.empty();
      }
      if (build instanceof String context) {
        return Optional.of(new Build(context, "Dockerfile", Map.of()));
      }
      Map<String, Object> b = map(build);
      return Optional.of(new Build(String.valueOf(b.getOrDefault("context", ".")),
          String.valueOf(b.getOrDefault("dockerfile", "Dockerfile")),
          stringMap(b.get("args"))));
    }

    /**
     * Its environment, from either the mapping or the list form.
     *
     * @return variable to value
     */
    Map<String, String> environment() {
      return stringMap(body.get("environment"));
    }

    /**
     * The services it waits for, with the condition.
     *
     * @return service to condition
     */
    Map<String, String> dependsOn() {
      Object node = body.get("depends_on");
      Map<String, String> out = new LinkedHashMap<>();
      if (node instanceof List<?> names) {
        names.forEach(n -> out.put(String.valueOf(n), "service_started"));
      } else {
        map(node).forEach((service, spec) -> out.put(service,
            String.valueOf(map(spec).getOrDefault("condition", "service_started"))));
      }
      return out;
    }

    /**
     * Its profiles; a service without any always starts.
     *
     * @return the profiles
     */
    List<String> profiles() {
      return list(body.get("profiles")).stream().map(String::valueOf).toList();
    }

    /**
     * Its published ports.
     *
     * @return the ports
     */
    List<Port> ports() {
      List<Port> ports = new ArrayList<>();
      for (Object port : list(body.get("ports"))) {
        if (port instanceof Map<?, ?> longForm) {
          Object published = longForm.get("published");
          ports.add(new Port(published == null ? null : published.toString(),
              String.valueOf(longForm.get("target"))));
        } else {
          String[] parts = String.valueOf(port).replaceAll("/(tcp|udp)$", "").split(":");
          ports.add(parts.length == 1 ? new Port(null, parts[0])
              : new Port(parts[parts.length - 2], parts[parts.length - 1]));
        }
      }
      return ports;
    }

    /**
     * The ports it exposes to other services.
     *
     * @return the ports
     */
    List<String> expose() {
      return list(body.get("expose")).stream().map(String::valueOf).toList();
    }

    /**
     * Its mounts, from the short ({@code src:dst[:ro]}) or the long form.
     *
     * @return the mounts
     */
    List<Mount> mounts() {
      List<Mount> mounts = new ArrayList<>();
      for (Object volume : list(body.get("volumes"))) {
        if (volume instanceof Map<?, ?> longForm) {
          mounts.add(new Mount(String.valueOf(longForm.get("type")),
              String.valueOf(longForm.get("source")), String.valueOf(longForm.get("target")),
              Boolean.TRUE.equals(longForm.get("read_only"))));
        } else {
          String[] parts = String.valueOf(volume).split(":");
          String source = parts[0];
          boolean bind = source.startsWith(".") || source.startsWith("/")
              || source.startsWith("~");
          mounts.add(new Mount(bind ? "bind" : "volume", source, parts[1],
              parts.length == 3 && List.of(parts[2].split(",")).contains("ro")));
        }
      }
      return mounts;
    }

    /**
     * The command that replaces the image's {@code CMD}.
     *
     * @return the words, or empty when the image's default applies
     */
    Optional<List<String>> command() {
      Object command = body.get("command");
      if (command == null) {
        return Optional.empty();
      }
      if (command instanceof String line) {
        return Optional.of(List.of(line.strip().split("\\s+")));
      }
      return Optional.of(list(command).stream().map(String::valueOf).toList());
    }

    /**
     * How many containers run it.
     *
     * @return {@code deploy.replicas}, 1 when unset
     */
    int replicas() {
      Object replicas = map(body.get("deploy")).get("replicas");
      return replicas == null ? 1 : Integer.parseInt(replicas.toString());
    }

    /**
     * The devices it reserves.
     *
     * @return each device request
     */
    List<Map<String, Object>> reservedDevices() {
      Map<String, Object> reservations =
          map(map(map(body.get("deploy")).get("resources")).get("reservations"));
      return list(reservations.get("devices")).stream().map(ComposeFile::map).toList();
    }

    /**
     * Its health check section.
     *
     * @return the section, empty when it has none of its own
     */
    Map<String, Object> healthcheck() {
      return map(body.get("healthcheck"));
    }

    /**
     * Whether it switches off the image's health check.
     *
     * @return true when disabled
     */
    boolean healthcheckDisabled() {
      Map<String, Object> check = healthcheck();
      return Boolean.TRUE.equals(check.get("disable"))
          || List.of("NONE").equals(check.get("test"));
    }

    /**
     * Its restart policy.
     *
     * @return the policy, {@code no} when unset
     */
    String restart() {
      return String.valueOf(body.getOrDefault("restart", "no"));
    }

    /**
     * How long Docker waits after SIGTERM before it kills the process.
     *
     * @return {@code stop_grace_period}, Docker's 10 s when unset
     */
    Duration stopGracePeriod() {
      Object value = body.get("stop_grace_period");
      return value == null ? Duration.ofSeconds(10) : parseDuration(value.toString());
    }

    /**
     * The DNS aliases it has on a network.
     *
     * @param network the network
     * @return the aliases
     */
    List<String> aliases(String network) {
      Object networks = body.get("networks");
      if (!(networks instanceof Map)) {
        return List.of();
      }
      return list(map(map(networks).get(network)).get("aliases")).stream()
          .map(String::valueOf).toList();
    }
  }

  private static Map<String, String> stringMap(Object node) {
    Map<String, String> out = new LinkedHashMap<>();
    if (node instanceof List<?> entries) {
      for (Object entry : entries) {
        String[] kv = String.valueOf(entry).split("=", 2);
        out.put(kv[0], kv.length == 2 ? kv[1] : "");
      }
    } else {
      map(node).forEach((k, v) -> out.put(k, v == null ? "" : String.valueOf(v)));
    }
    return out;
  }

  private static Duration parseDuration(String text) {
    Matcher m = DURATION.matcher(text);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find()) {
      if (m.start() != end) {
        break;
      }
      double amount = Double.parseDouble(m.group(1));
      long nanos = switch (m.group(2)) {
        case "h" -> Math.round(amount * 3600e9);
        case "m" -> Math.round(amount * 60e9);
        case "s" -> Math.round(amount * 1e9);
        case "ms" -> Math.round(amount * 1e6);
        default -> Math.round(amount * 1e3);
      };
      total = total.plusNanos(nanos);
      end = m.end();
    }
    if (end != text.length() || end == 0) {
      throw new IllegalArgumentException("not a Compose duration: " + text);
    }
    return total;
  }
}
