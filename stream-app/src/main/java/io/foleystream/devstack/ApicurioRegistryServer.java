package io.foleystream.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Apicurio Registry 3.3.3 server in a child process, bound to loopback on free ports, for the
 * demo and the integration tests. Clients use its Confluent-compatible API at
 * {@link #confluentApiUrl()}.
 *
 * <p>The registry keeps its data in an H2 database file in the data directory (Apicurio's default
 * is in-memory), so {@link #stop()} followed by {@link #restart()} models a registry outage
 * faithfully: schema ids issued before the outage mean the same schemas after it.
 *
 * <p>The server comes from the Maven artifact {@code io.apicurio:apicurio-registry-app:3.3.3}
 * ({@code tar.gz}, classifier {@code all}), which the stream-app build unpacks to
 * {@code stream-app/target/apicurio-registry}; see {@link #HOME_PROPERTY} to use another copy.
 * It needs Java 21 or newer, found by {@link JavaRuntimeLocator} (see {@link #JAVA_PROPERTY}).
 * Its output goes to {@code registry.log} in the data directory.
 */
public final class ApicurioRegistryServer implements AutoCloseable {

  /** System property naming the directory that holds {@code quarkus-run.jar}. */
  public static final String HOME_PROPERTY = "foleystream.registry.home";
  /** Environment variable naming the directory that holds {@code quarkus-run.jar}. */
  public static final String HOME_ENV = "FOLEYSTREAM_REGISTRY_HOME";
  /** System property naming the Java 21+ home (or executable) that runs the registry. */
  public static final String JAVA_PROPERTY = "foleystream.registry.java";
  /** Environment variable naming the Java 21+ home (or executable) that runs the registry. */
  public static final String JAVA_ENV = "FOLEYSTREAM_REGISTRY_JAVA";

  /** The path of the Confluent-compatible API on the server. */
  public static final String CONFLUENT_API_PATH = "/apis/ccompat/v7";

  private static final Logger LOG = LoggerFactory.getLogger(ApicurioRegistryServer.class);
  private static final int MINIMUM_JAVA = 21;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
  private static final String DISTRIBUTION_DIR = "apicurio-registry";
  private static final String RUN_JAR = "quarkus-run.jar";

  private final Path java;
  private final Path distribution;
  private final Path dataDir;
  private final boolean deleteDataDirOnClose;
  private final int httpPort = LoopbackPorts.free();
  private final int managementPort = LoopbackPorts.free();
  private final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(2)).version(HttpClient.Version.HTTP_1_1).build();
  private final Thread killOnExit = new Thread(this::killProcess, "apicurio-registry-kill");
  private Process process;

  private ApicurioRegistryServer(Path java, Path distribution, Path dataDir,
      boolean deleteDataDirOnClose) {
    this.java = java;
    this.distribution = distribution;
    this.dataDir = dataDir;
    this.deleteDataDirOnClose = deleteDataDirOnClose;
  }

  /**
   * Starts a registry with its data in a new temporary directory, deleted on {@link #close()}.
   *
   * @return the running registry
   * @throws IllegalStateException when the distribution or a Java 21+ runtime is missing, or the
   *     server does not come up
   */
  public static ApicurioRegistryServer start() {
    try {
      return start(Files.createTempDirectory("foleystream-registry-"), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a data directory for the registry", e);
    }
  }

  /**
   * Starts a registry on a data directory (created if missing), whose schemas it keeps.
   *
   * @param dataDir where the registry's database and log live
   * @param deleteDataDirOnClose whether {@link #close()} deletes {@code dataDir}
   * @return the running registry
   */
  public static ApicurioRegistryServer start(Path dataDir, boolean deleteDataDirOnClose) {
    Path java = new JavaRuntimeLocator(JAVA_PROPERTY, JAVA_ENV)
        .locate(MINIMUM_JAVA, "Apicurio Registry 3.3.3");
    ApicurioRegistryServer server = new ApicurioRegistryServer(java, locateDistribution(),
        dataDir, deleteDataDirOnClose);
    Runtime.getRuntime().addShutdownHook(server.killOnExit);
    server.launch();
    return server;
  }

  /**
   * The base URL of the server's Confluent-compatible API, the value for
   * {@code schema.registry.url}.
   *
   * @return for example {@code http://127.0.0.1:41234/apis/ccompat/v7}
   */
  public String confluentApiUrl() {
    return "http://127.0.0.1:" + httpPort + CONFLUENT_API_PATH;
  }

  /**
   * The file the server's output goes to.
   *
   * @return the log file
   */
  public Path logFile() {
    return dataDir.resolve("registry.log");
  }

  /**
   * Whether the server process is alive.
   *
   * @return true between a start and a stop
   */
  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /**
   * Stops the server process and waits for it to end; its data stays. Clients see connection
   * refusals until {@link #restart()}.
   */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        LOG.warn("registry did not stop within {}; killing it", STOP_TIMEOUT);
        process.destroyForcibly().waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    process = null;
    LOG.info("schema registry on port {} stopped", httpPort);
  }

  /** Starts the server again on the same ports and data, and waits until it answers. */
  public synchronized void restart() {
    stop();
    launch();
  }

  /** Stops the server and, if it owns its data directory, deletes it. */
  @Override
  public synchronized void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(killOnExit);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down; the hook is running or has run.
    }
    if (deleteDataDirOnClose) {
      Directories.deleteRecursively(dataDir);
    }
  }

  private synchronized void launch() {
    long t0 = System.nanoTime();
    List<String> command = List.of(java.toString(),
        "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dquarkus.http.host=127.0.0.1",
        "-Dquarkus.http.port=" + httpPort,
        // Without this, health and metrics listen on 0.0.0.0:9000.
        "-Dquarkus.management.host=127.0.0.1",
        "-Dquarkus.management.port=" + managementPort,
        // A database file instead of the default in-memory one: schemas survive a restart.
        "-Dapicurio.datasource.url=jdbc:h2:file:" + dataDir.resolve("registry").toAbsolutePath(),
        "-Dapicurio.datasource.jdbc.initial-size=2",
        "-Dapicurio.datasource.jdbc.min-size=2",
        "-Dapicurio.datasource.jdbc.max-size=10",
        "-jar", distribution.resolve(RUN_JAR).toString());
    try {
      Files.createDirectories(dataDir);
      process = new ProcessBuilder(command)
          .directory(dataDir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
          .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the schema registry: " + command, e);
    }
    awaitReady();
    LOG.info("schema registry ready at {} in {} ms (log: {})", confluentApiUrl(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), logFile());
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    HttpRequest probe = HttpRequest.newBuilder(URI.create(confluentApiUrl() + "/subjects"))
        .timeout(Duration.ofSeconds(5)).GET().build();
    while (true) {
      if (!process.isAlive()) {
        int code = process.exitValue();
        process = null;
        throw new IllegalStateException("schema registry exited with status " + code
            + " while starting; last log lines:\n" + logTail());
      }
      try {
        if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // Not listening yet.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop();
        throw new IllegalStateException("interrupted while waiting for the schema registry", e);
      }
      if (System.nanoTime() > deadline) {
        stop();
        throw new IllegalStateException("schema registry did not answer within " + READY_TIMEOUT
            + "; last log lines:\n" + logTail());
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stop();
        throw new IllegalStateException("interrupted while waiting for the schema registry", e);
      }
    }
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(cannot read " + logFile() + ": " + e.getMessage() + ")";
    }
  }

  private void killProcess() {
    Process running = process;
    if (running != null) {
      running.destroyForcibly();
    }
  }

  /**
   * Finds the unpacked distribution: the directory named by {@link #HOME_PROPERTY} or
   * {@link #HOME_ENV}, else {@code apicurio-registry} beside this code's jar or classes directory
   * (that is, {@code stream-app/target/apicurio-registry} in a build tree).
   */
  static Path locateDistribution() {
    Optional<String> explicit = Optional.ofNullable(System.getProperty(HOME_PROPERTY))
        .or(() -> Optional.ofNullable(System.getenv(HOME_ENV)))
        .filter(value -> !value.isBlank());
    Path candidate = explicit.map(Path::of).orElseGet(ApicurioRegistryServer::besideThisCode);
    if (candidate == null || !Files.isRegularFile(candidate.resolve(RUN_JAR))) {
      throw new IllegalStateException("Apicurio Registry distribution not found"
          + (candidate == null ? "" : ": no " + RUN_JAR + " in " + candidate)
          + ". Build it with `mvn -pl stream-app -am package` (which unpacks"
          + " io.apicurio:apicurio-registry-app:3.3.3 to stream-app/target/" + DISTRIBUTION_DIR
          + "), or point the system property " + HOME_PROPERTY + " or the environment variable "
          + HOME_ENV + " at an unpacked copy.");
    }
    // The server runs in its data directory: a relative home must not be resolved from there.
    return candidate.toAbsolutePath().normalize();
  }

  private static Path besideThisCode() {
    CodeSource source = ApicurioRegistryServer.class.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      return null;
    }
    try {
      Path parent = Path.of(source.getLocation().toURI()).getParent();
      return parent == null ? null : parent.resolve(DISTRIBUTION_DIR);
    } catch (URISyntaxException | IllegalArgumentException e) {
      return null;
    }
  }
}
