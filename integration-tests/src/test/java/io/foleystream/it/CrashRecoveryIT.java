package io.foleystream.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.config.ConfigKeys;
import io.foleystream.config.FoleystreamConfig;
import io.foleystream.devstack.ApicurioRegistryServer;
import io.foleystream.devstack.EmbeddedKafkaBroker;
import io.foleystream.media.MediaChunk;
import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.DeadlineAction;
import io.foleystream.schemas.StreamControl;
import io.foleystream.schemas.WindowMode;
import io.foleystream.topology.FoleystreamApp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The application process is killed (no shutdown of any kind) while it generates a window, and
 * started again. The audio topic, read with read_committed, then holds each audio chunk exactly
 * once, and the audio equals that of an uninterrupted run, bit for bit, although the two runs
 * batch the windows differently. The windows overlap: with a 4 s hop each tumbling window
 * crossfades from its predecessor's tail; in live mode (2 s hop) each window continues its
 * predecessor's latent. Either way the restarted process reads that state back from the tail
 * topic.
 */
@ExtendWith(DevStackExtension.class)
class CrashRecoveryIT {

  static final Path APP_JAR = Path.of("../stream-app/target/foleystream.jar");
  private static final int STEPS = 30;
  /** Steps of the tests that check exactly-once alone, not the audio's bits. */
  private static final int FEW_STEPS = 4;
  /** The stream's windowing in each run of the test. */
  static Stream<StreamControl> windowings() {
    return Stream.of(
        StreamControl.newBuilder().setStreamId("cam").setWindowHopMicros(4_000_000L).build(),
        // Late live windows are degraded by default, by wall-clock lag, which a restart changes;
        // queueing them keeps this a test of exactly-once alone.
        StreamControl.newBuilder().setStreamId("cam").setWindowHopMicros(2_000_000L)
            .setMode(WindowMode.LIVE).setDeadlinePolicy(DeadlineAction.QUEUE).build());
  }

  @ParameterizedTest
  @MethodSource("windowings")
  void aKilledAndRestartedAppPublishesEachChunkOnceAndTheSameAudio(StreamControl windowing,
      EmbeddedKafkaBroker broker, ApicurioRegistryServer registry) throws Exception {
    String run = windowing.getMode() == WindowMode.LIVE ? "live" : "overlap";
    assertTrue(Files.isRegularFile(APP_JAR), "build the application jar first: " + APP_JAR);
    List<MediaChunk> clip = PipelineHarness.clip(24);

    PipelineHarness reference = new PipelineHarness(broker, registry, "it-crash-reference-" + run);
    List<AudioChunk> expected;
    try (FoleystreamApp app = FoleystreamApp.start(reference.config(
        PipelineHarness.tempDir("reference-" + run), 1, STEPS, Map.of(ConfigKeys.BATCH_SIZE.name(),
            "1")));
        KafkaProducer<String, byte[]> producer = reference.rawProducer()) {
      reference.sendControl(producer, windowing);
      reference.sendChunks(producer, "cam", clip, 0, clip.size());
      expected = reference.audio(List.of("cam"), Duration.ofMinutes(3));
    }

    PipelineHarness crashed = new PipelineHarness(broker, registry, "it-crash-" + run);
    Path stateDir = PipelineHarness.tempDir("crash-" + run);
    Path configFile = stateDir.resolve("app.properties");
    // A killed member is noticed after the session timeout; keep it short so the test is quick.
    // Batches of two, killed during the third: the restarted process must read the state of
    // window 3 back from the tail topic to join window 4 as the reference run did.
    writeProperties(crashed.config(stateDir, 1, STEPS, Map.of("session.timeout.ms", "6000",
        "heartbeat.interval.ms", "1000", ConfigKeys.BATCH_SIZE.name(), "2")), configFile);
    crashed.createTopics();
    try (KafkaProducer<String, byte[]> producer = crashed.rawProducer()) {
      crashed.sendControl(producer, windowing);
      crashed.sendChunks(producer, "cam", clip, 0, clip.size());
    }
    Process first = startApp(configFile, stateDir.resolve("first.log"), "cam#4");
    first.destroyForcibly();
    assertTrue(first.waitFor(30, TimeUnit.SECONDS), "the killed process is gone");
    Process second = startApp(configFile, stateDir.resolve("second.log"), null);
    List<AudioChunk> actual;
    try {
      actual = crashed.audio(List.of("cam"), Duration.ofMinutes(3));
    } finally {
      second.destroy();
      second.waitFor(60, TimeUnit.SECONDS);
    }

    Map<String, AudioChunk> once = new TreeMap<>();
    for (AudioChunk chunk : actual) {
      AudioChunk before = once.put(chunk.getWindowIndex() + "/" + chunk.getChunkIndex(), chunk);
      assertEquals(null, before, "audio chunk committed twice: window " + chunk.getWindowIndex()
          + " chunk " + chunk.getChunkIndex());
    }
    assertTrue(actual.stream().anyMatch(c -> c.getWindowIndex() >= 5),
        "the windows overlap: 24 s in hops of 4 s or less");
    assertEquals(expected.size(), actual.size());
    long published = actual.stream().mapToLong(c -> c.getPayload().remaining() / 4).sum();
    MediaChunk opening = clip.get(0);
    MediaChunk closing = clip.get(clip.size() - 1);
    long streamMicros = closing.startUs() + closing.durationUs() - opening.startUs();
    assertEquals(-Math.floorDiv(-streamMicros * 16_000, 1_000_000L), published,
        "every sample of the stream once");
    for (AudioChunk want : expected) {
      AudioChunk got = once.get(want.getWindowIndex() + "/" + want.getChunkIndex());
      assertEquals(want.getPtsStartMicros(), got.getPtsStartMicros());
      assertEquals(want.getGeneration(), got.getGeneration());
      assertArrayEquals(bytes(want), bytes(got), "audio of window " + want.getWindowIndex()
          + " chunk " + want.getChunkIndex() + " differs from the uninterrupted run");
    }
  }

  /**
   * Three streams on two partitions, one with a damaged chunk, killed while the damaged chunk's
   * window generates: after the restart each stream's audio is complete and once, and the
   * damaged chunk has one dead letter, although the first process may have featurized it.
   */
  @Test
  void severalStreamsOnTwoPartitionsRecoverWithEachChunkAndDeadLetterOnce(
      EmbeddedKafkaBroker broker, ApicurioRegistryServer registry) throws Exception {
    assertTrue(Files.isRegularFile(APP_JAR), "build the application jar first: " + APP_JAR);
    int partitions = 2;
    FaultWorkload workload = new FaultWorkload(3, partitions, 24);
    PipelineHarness crashed = new PipelineHarness(broker, registry, "it-crash-streams");
    Path stateDir = PipelineHarness.tempDir("crash-streams");
    Path configFile = stateDir.resolve("app.properties");
    writeProperties(crashed.config(stateDir, partitions, FEW_STEPS, Map.of(
        "session.timeout.ms", "6000", "heartbeat.interval.ms", "1000",
        ConfigKeys.BATCH_SIZE.name(), "2")), configFile);
    crashed.createTopics(partitions);
    try (KafkaProducer<String, byte[]> producer = crashed.rawProducer()) {
      workload.send(crashed, producer, 0, workload.chunks());
    }
    Process first = startApp(configFile, stateDir.resolve("first.log"),
        workload.damagedWindow());
    first.destroyForcibly();
    assertTrue(first.waitFor(30, TimeUnit.SECONDS), "the killed process is gone");
    // The batches before the damaged window committed; the damaged one did not.
    int committedBeforeRestart = crashed.audio(workload.streams(), Duration.ofSeconds(2)).size();
    assertTrue(committedBeforeRestart > 0
        && committedBeforeRestart < workload.streams().size() * workload.chunks(),
        "killed mid-run: " + committedBeforeRestart + " audio chunks committed");
    Process second = startApp(configFile, stateDir.resolve("second.log"), null);
    try {
      workload.assertExactlyOnce(crashed, Duration.ofMinutes(3));
    } finally {
      second.destroy();
      second.waitFor(60, TimeUnit.SECONDS);
    }
  }

  private static byte[] bytes(AudioChunk chunk) {
    byte[] out = new byte[chunk.getPayload().remaining()];
    chunk.getPayload().duplicate().get(out);
    return out;
  }

  static void writeProperties(FoleystreamConfig config, Path file) throws IOException {
    Properties properties = new Properties();
    properties.putAll(config.values());
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(file))) {
      properties.store(out, "crash test application");
    }
  }

  /**
   * Starts {@code foleystream run} in a child JVM; when {@code untilBatchWith} is given, returns
   * once the child starts generating a batch holding that window (stream#index), a little after,
   * so that the window is mid-generation.
   */
  static Process startApp(Path configFile, Path log, String untilBatchWith)
      throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder = new ProcessBuilder(java, "-Xmx512m", "-jar",
        APP_JAR.toAbsolutePath().toString(), "run", "--config",
        configFile.toAbsolutePath().toString()).redirectErrorStream(true);
    builder.environment().put("FOLEYSTREAM_LOG_LEVEL", "INFO");
    Process process = builder.start();
    CountDownLatch started = new CountDownLatch(1);
    Thread pump = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(
          process.getInputStream(), StandardCharsets.UTF_8));
          PrintWriter out = new PrintWriter(Files.newBufferedWriter(log))) {
        String line;
        while ((line = in.readLine()) != null) {
          out.println(line);
          out.flush();
          if (untilBatchWith != null && line.contains("generating a batch")
              && line.contains(untilBatchWith)) {
            started.countDown();
          }
        }
      } catch (IOException e) {
        // The process was killed; its output ends here.
      }
    }, "child-output");
    pump.setDaemon(true);
    pump.start();
    if (untilBatchWith != null) {
      assertTrue(started.await(3, TimeUnit.MINUTES),
          "the child never started generating " + untilBatchWith + "; see " + log);
      Thread.sleep(300);
    }
    return process;
  }
}
