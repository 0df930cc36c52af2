package io.foleystream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.config.ConfigKeys;
import io.foleystream.devstack.ApicurioRegistryServer;
import io.foleystream.devstack.EmbeddedKafkaBroker;
import io.foleystream.media.MediaChunk;
import io.foleystream.schemas.AudioChunk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The application process killed while it is inside {@code commitTransaction}: a broker of this
 * test's own, whose authorizer sees the generator's second commit request arrive, kills the
 * process there and then lets the broker complete the commit the dead client asked for. The
 * restarted process must not publish that batch again, nor lose any other: every audio chunk
 * once, every sample of the stream once.
 */
@ExtendWith(DevStackExtension.class)
class CommitKillIT {

  @Test
  void aProcessKilledInsideItsCommitPublishesNothingTwiceAndLosesNothing(
      ApicurioRegistryServer registry) throws Exception {
    assertTrue(Files.isRegularFile(CrashRecoveryIT.APP_JAR), "build the application jar first");
    Path dir = PipelineHarness.tempDir("commit-kill");
    CommitWatchAuthorizer.COMMITS.set(0);
    CommitWatchAuthorizer.atCommit = 2;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), true,
        Map.of("authorizer.class.name", CommitWatchAuthorizer.class.getName()))) {
      List<MediaChunk> clip = PipelineHarness.clip(24);
      PipelineHarness harness = new PipelineHarness(broker, registry, "it-commit-kill");
      Path configFile = dir.resolve("app.properties");
      CrashRecoveryIT.writeProperties(harness.config(dir.resolve("state"), 1, 4, Map.of(
          "session.timeout.ms", "6000", "heartbeat.interval.ms", "1000",
          ConfigKeys.BATCH_SIZE.name(), "1")), configFile);
      harness.createTopics();
      AtomicReference<Process> first = new AtomicReference<>();
      CountDownLatch killed = new CountDownLatch(1);
      CommitWatchAuthorizer.hook = () -> {
        Process p = first.get();
        if (p != null) {
          p.destroyForcibly();
          try {
            p.waitFor(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        killed.countDown();
      };
      first.set(CrashRecoveryIT.startApp(configFile, dir.resolve("first.log"), null));
      try (KafkaProducer<String, byte[]> producer = harness.rawProducer()) {
        harness.sendChunks(producer, "cam", clip, 0, clip.size());
      }
      assertTrue(killed.await(3, TimeUnit.MINUTES), "the generator never committed twice; see "
          + dir.resolve("first.log"));
      assertTrue(!first.get().isAlive(), "killed inside its commit");
      CommitWatchAuthorizer.hook = null;
      Process second = CrashRecoveryIT.startApp(configFile, dir.resolve("second.log"), null);
      List<AudioChunk> audio;
      try {
        audio = harness.audio(List.of("cam"), Duration.ofMinutes(3));
      } finally {
        second.destroy();
        second.waitFor(60, TimeUnit.SECONDS);
      }
      Map<String, AudioChunk> once = new TreeMap<>();
      for (AudioChunk chunk : audio) {
        assertNull(once.put(chunk.getWindowIndex() + "/" + chunk.getChunkIndex(), chunk),
            "audio chunk committed twice: window " + chunk.getWindowIndex() + " chunk "
                + chunk.getChunkIndex());
      }
      MediaChunk opening = clip.get(0);
      MediaChunk closing = clip.get(clip.size() - 1);
      long streamMicros = closing.startUs() + closing.durationUs() - opening.startUs();
      long published = audio.stream().mapToLong(c -> c.getPayload().remaining() / 4).sum();
      assertEquals(-Math.floorDiv(-streamMicros * 16_000, 1_000_000L), published,
          "every sample of the stream once");
      assertTrue(CommitWatchAuthorizer.COMMITS.get() > 2, "the restarted process committed");
    } finally {
      CommitWatchAuthorizer.hook = null;
      CommitWatchAuthorizer.atCommit = 0;
    }
  }
}
