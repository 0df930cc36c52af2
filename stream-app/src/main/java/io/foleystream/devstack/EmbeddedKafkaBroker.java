package io.foleystream.devstack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Kafka broker (KRaft, combined broker and controller) inside this JVM, bound to
 * loopback on free ports, for the demo and the integration tests. It supports transactions, so
 * Kafka Streams can run with {@code exactly_once_v2} against it.
 *
 * <p>{@link #stop()} followed by {@link #restart()} models a broker outage: the broker comes back
 * on the same ports with the same data directory, so topics, committed offsets, transaction
 * state and the records themselves survive, as they do when a real broker restarts.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final Path logDir;
  private final boolean deleteLogDirOnClose;
  private final Properties props;
  private final String bootstrapServers;
  /** The running server; null while stopped. */
  private KafkaRaftServer server;

  private EmbeddedKafkaBroker(Path logDir, boolean deleteLogDirOnClose,
      Map<String, String> overrides) {
    this.logDir = logDir;
    this.deleteLogDirOnClose = deleteLogDirOnClose;
    int brokerPort = LoopbackPorts.free();
    int controllerPort = LoopbackPorts.free();
    this.bootstrapServers = "127.0.0.1:" + brokerPort;
    this.props = brokerProperties(logDir, brokerPort, controllerPort);
    props.putAll(overrides);
    formatStorage(props, logDir);
  }

  /**
   * Formats a fresh log directory under a new temporary folder, starts the broker and waits until
   * it answers.
   *
   * @return the running broker; close it to stop it and delete its data
   */
  public static EmbeddedKafkaBroker start() {
    try {
      return start(Files.createTempDirectory("foleystream-kafka-"), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a log directory for the embedded broker", e);
    }
  }

  /**
   * Starts a broker on the given log directory (formatted if it is new), and waits until it answers.
   *
   * @param logDir where the broker keeps its logs
   * @param deleteLogDirOnClose whether {@link #close()} deletes {@code logDir}
   * @return the running broker
   */
  public static EmbeddedKafkaBroker start(Path logDir, boolean deleteLogDirOnClose) {
    return start(logDir, deleteLogDirOnClose, Map.of());
  }

  /**
   * Starts a broker with some of its settings overridden (for example an {@code
   * authorizer.class.name} through which a test watches the requests), on the given log
   * directory, and waits until it answers.
   *
   * @param logDir where the broker keeps its logs
   * @param deleteLogDirOnClose whether {@link #close()} deletes {@code logDir}
   * @param overrides broker settings that replace or add to the embedded defaults
   * @return the running broker
   */
  public static EmbeddedKafkaBroker start(Path logDir, boolean deleteLogDirOnClose,
      Map<String, String> overrides) {
    EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(logDir, deleteLogDirOnClose,
        overrides);
    try {
      broker.launch();
    } catch (RuntimeException e) {
      broker.close();
      throw e;
    }
    return broker;
  }

  /**
   * Whether the broker is running (started and not stopped since).
   *
   * @return true between a start or {@link #restart()} and the next {@link #stop()}
   */
  public synchronized boolean isRunning() {
    return server != null;
  }

  /**
   * Shuts the broker down and waits until it is down; its data stays. Clients see connection
   * refusals until {@link #restart()}.
   */
  public synchronized void stop() {
    if (server == null) {
      return;
    }
    server.shutdown();
    server.awaitShutdown();
    server = null;
    LOG.info("Kafka broker on {} stopped", bootstrapServers);
  }

  /**
   * Stops the broker if it runs, starts it again on the same ports and data directory, and waits
   * until it answers.
   */
  public synchronized void restart() {
    stop();
    launch();
  }

  /** Starts the server; a server that does not answer in time is stopped again. */
  private synchronized void launch() {
    long t0 = System.nanoTime();
    server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    server.startup();
    awaitReady();
    LOG.info("Kafka broker ready on {} in {} ms", bootstrapServers,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
  }

  /**
   * The address clients connect to.
   *
   * @return {@code host:port} of the broker's PLAINTEXT listener
   */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  private static Properties brokerProperties(Path logDir, int brokerPort, int controllerPort) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put("listeners",
        "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    p.put("num.partitions", "1");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "5");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "5");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // Video chunks travel inline up to this size; the default 1 MB is too small for 2 s of 1080p.
    p.put("message.max.bytes", String.valueOf(16 * 1024 * 1024));
    // The default dedupe buffer takes 128 MB of heap, too much for a test broker.
    p.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
    p.put("auto.create.topics.enable", "false");
    return p;
  }

  private static void formatStorage(Properties props, Path logDir) {
    Path propsFile = logDir.resolve("server.properties");
    try {
      Files.createDirectories(logDir);
      try (var out = Files.newBufferedWriter(propsFile)) {
        props.store(out, "embedded foleystream broker");
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + propsFile, e);
    }
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    int code;
    try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
      code = StorageTool.execute(new String[] {
          "format", "-t", Uuid.randomUuid().toString(), "-c", propsFile.toString(),
          "--ignore-formatted"}, out);
    } catch (Exception e) {
      throw new IllegalStateException("formatting Kafka storage in " + logDir + " failed", e);
    }
    if (code != 0) {
      throw new IllegalStateException("formatting Kafka storage in " + logDir + " failed ("
          + code + "): " + buffer.toString(StandardCharsets.UTF_8));
    }
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    Map<String, Object> config = Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
    try (Admin admin = Admin.create(config)) {
      while (true) {
        try {
          admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
          return;
        } catch (ExecutionException | TimeoutException e) {
          if (System.nanoTime() > deadline) {
            stop();
            throw new IllegalStateException(
                "embedded Kafka broker did not answer within " + READY_TIMEOUT, e);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          stop();
          throw new IllegalStateException("interrupted while waiting for the embedded broker", e);
        }
      }
    }
  }

  /** Stops the broker and, if it owns its log directory, deletes it. */
  @Override
  public synchronized void close() {
    stop();
    if (deleteLogDirOnClose) {
      Directories.deleteRecursively(logDir);
    }
  }
}
