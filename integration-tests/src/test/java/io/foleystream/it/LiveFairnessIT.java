package io.foleystream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.config.ConfigKeys;
import io.foleystream.devstack.ApicurioRegistryServer;
import io.foleystream.devstack.EmbeddedKafkaBroker;
import io.foleystream.media.MediaChunk;
import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.DeadlineAction;
import io.foleystream.schemas.StreamControl;
import io.foleystream.topology.FoleystreamApp;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two streams on one instance: one starts with 60 s of backlog (policy QUEUE), the other is live
 * (chunks in real time, policy DEGRADE_THEN_SKIP). The live stream's windows are generated in
 * full and on time, as the deadline policy recorded it (no window skipped, degraded or committed
 * after its deadline), and the backlog stream's audio is complete and exactly once.
 */
@ExtendWith(DevStackExtension.class)
class LiveFairnessIT {

  private static final int PARTITIONS = 2;
  private static final int STEPS = 2;
  /**
   * Generous, so that a shared CI machine meets it: the test is about the live stream never
   * waiting behind the backlog, which would take minutes on such a machine.
   */
  private static final long LIVE_BUDGET_MS = 90_000;

  /** The partition Kafka's default partitioner gives a string key. */
  private static int partition(String key) {
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
  }

  /** The first of {@code prefix}, {@code prefix-0}, {@code prefix-1}... not on other's partition. */
  private static String onAnotherPartition(String prefix, String other) {
    String id = prefix;
    for (int n = 0; partition(id) == partition(other); n++) {
      id = prefix + "-" + n;
    }
    return id;
  }

  private static double count(MeterRegistry meters, String name, String policy) {
    Counter c = meters.find(name).tag("policy", policy).counter();
    return c == null ? 0 : c.count();
  }

  @Test
  void aLiveStreamMeetsItsDeadlinesBesideABacklog(EmbeddedKafkaBroker broker,
      ApicurioRegistryServer registry) throws Exception {
    PipelineHarness harness = new PipelineHarness(broker, registry, "it-fair");
    List<MediaChunk> backlogClip = PipelineHarness.clip(60);
    List<MediaChunk> liveClip = PipelineHarness.clip(16);
    String backlog = "backlog";
    // Windows are batched as queue heads per partition (the exactly-once bookkeeping), so the
    // two streams are put on different partitions, as the fairness guarantee requires.
    String live = onAnotherPartition("live", backlog);
    assertNotEquals(partition(live), partition(backlog));
    try (FoleystreamApp app = FoleystreamApp.start(harness.config(
        PipelineHarness.tempDir("fair"), PARTITIONS, STEPS,
        Map.of(ConfigKeys.BATCH_SIZE.name(), "2")));
        KafkaProducer<String, byte[]> producer = harness.rawProducer()) {
      harness.sendControl(producer, StreamControl.newBuilder().setStreamId(live)
          .setDeadlinePolicy(DeadlineAction.DEGRADE_THEN_SKIP)
          .setLatencyBudgetMillis(LIVE_BUDGET_MS).build());
      harness.sendChunks(producer, backlog, backlogClip, 0, backlogClip.size());
      // The live stream starts once the backlog is being generated (the engine warmed up), with
      // most of the backlog still waiting.
      harness.rawRecords(harness.audioTopic(), 1, Duration.ofMinutes(2));
      for (int n = 0; n < liveClip.size(); n++) {
        long due = System.nanoTime() + liveClip.get(n).durationUs() * 1000;
        harness.sendChunks(producer, live, liveClip, n, n + 1);
        Thread.sleep(Math.max(0, (due - System.nanoTime()) / 1_000_000));
      }
      List<AudioChunk> audio = harness.audio(List.of(backlog, live), Duration.ofMinutes(3));

      List<AudioChunk> backlogAudio = audio.stream()
          .filter(a -> a.getStreamId().equals(backlog)).toList();
      Set<List<Long>> seen = new HashSet<>();
      for (AudioChunk a : backlogAudio) {
        assertTrue(seen.add(List.of(a.getWindowIndex(), (long) a.getChunkIndex())),
            "backlog window " + a.getWindowIndex() + " chunk " + a.getChunkIndex() + " twice");
        assertNull(a.getSilenceReason());
        assertEquals(STEPS, a.getGeneration().getSteps(), "QUEUE never degrades");
      }
      assertEquals(backlogClip.size(), backlogAudio.size(),
          "one audio chunk per video chunk of the backlog, none twice");

      List<AudioChunk> liveAudio = audio.stream()
          .filter(a -> a.getStreamId().equals(live)).toList();
      assertEquals(liveClip.size(), liveAudio.size());
      for (AudioChunk a : liveAudio) {
        assertNull(a.getSilenceReason(), "live window " + a.getWindowIndex() + " was skipped");
        assertEquals(STEPS, a.getGeneration().getSteps(),
            "live window " + a.getWindowIndex() + " was degraded");
      }
      MeterRegistry meters = app.meterRegistry();
      assertEquals(0, count(meters, "foleystream.windows.deadline.missed", "degrade-then-skip"),
          "a live window was committed after its deadline");
      assertEquals(0, count(meters, "foleystream.windows.skipped", "degrade-then-skip"));
    }
  }
}
