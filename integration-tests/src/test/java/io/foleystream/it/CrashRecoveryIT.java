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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The application process is killed (no shutdown of any kind) while it generates a window, and
 * started again. The audio topic, read with read_committed, then holds each audio chunk exactly
 * once, and the audio equals that of an uninterrupted run, bit for bit, although the two runs
 * batch the windows differently.
 */
@ExtendWith(DevStackExtension.class)
class CrashRecoveryIT {

  private static final Path APP_JAR = Path.of("../stream-app/target/foleystream.jar");
  private static final int STEPS = 30;

  @Test
  void aKilledAndRestartedAppPublishesEachChunkOnceAndTheSameAudio(EmbeddedKafkaBroker broker,
      ApicurioRegistryServer registry) throws Exception {
    assertTrue(Files.isRegularFile(APP_JAR), "build the application jar first: " + APP_JAR);
    List<MediaChunk> clip = PipelineHarness.clip(24);

    PipelineHarness reference = new PipelineHarness(broker, registry, "it-crash-reference");
    List<AudioChunk> expected;
    try (FoleystreamApp app = FoleystreamApp.start(reference.config(
        PipelineHarness.tempDir("reference"), 1, STEPS, Map.of(ConfigKeys.BATCH_SIZE.name(),
            "1")));
        KafkaProducer<String, byte[]> producer = reference.rawProducer()) {
      reference.sendChunks(producer, "cam", clip, 0, clip.size());
      expected = reference.audio(List.of("cam"), Duration.ofMinutes(3));
    }

    PipelineHarness crashed = new PipelineHarness(broker, registry, "it-crash");
    Path stateDir = PipelineHarness.tempDir("crash");
    Path configFile = stateDir.resolve("app.properties");
    // A killed member is noticed after the session timeout; keep it short so the test is quick.
    writeProperties(crashed.config(stateDir, 1, STEPS, Map.of("session.timeout.ms", "6000",
        "heartbeat.interval.ms", "1000")), configFile);
    crashed.createTopics();
    try (KafkaProducer<String, byte[]> producer = crashed.rawProducer()) {
      crashed.sendChunks(producer, "cam", clip, 0, clip.size());
    }
    Process first = startApp(configFile, stateDir.resolve("first.log"), "cam#1");
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
    assertEquals(clip.size(), actual.size());
    assertEquals(expected.size(), actual.size());
    for (AudioChunk want : expected) {
      AudioChunk got = once.get(want.getWindowIndex() + "/" + want.getChunkIndex());
      assertEquals(want.getPtsStartMicros(), got.getPtsStartMicros());
      assertEquals(want.getGeneration(), got.getGeneration());
      assertArrayEquals(bytes(want), bytes(got), "audio of window " + want.getWindowIndex()
          + " chunk " + want.getChunkIndex() + " differs from the uninterrupted run");
    }
  }

  private static byte[] bytes(AudioChunk chunk) {
    byte[] out = new byte[chunk.getPayload().remaining()];
    chunk.getPayload().duplicate().get(out);
    return out;
  }

  private static void writeProperties(FoleystreamConfig config, Path file) throws IOException {
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
  private static Process startApp(Path configFile, Path log, String untilBatchWith)
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
