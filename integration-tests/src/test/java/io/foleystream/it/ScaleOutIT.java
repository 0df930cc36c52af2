package io.foleystream.it;

import static io.foleystream.it.PipelineHarness.await;
import static io.foleystream.it.PipelineHarness.generated;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.config.ConfigKeys;
import io.foleystream.devstack.ApicurioRegistryServer;
import io.foleystream.devstack.EmbeddedKafkaBroker;
import io.foleystream.media.MediaChunk;
import io.foleystream.schemas.AudioChunk;
import io.foleystream.topology.FoleystreamApp;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two instances of one application share four streams on four partitions: both generate, and
 * when one stops halfway through the streams, the other takes over its partitions (the
 * assembler's state restored from its changelogs) and every stream completes, each audio chunk
 * exactly once.
 */
@ExtendWith(DevStackExtension.class)
class ScaleOutIT {

  private static final int PARTITIONS = 4;

  @Test
  void twoInstancesShareTheStreamsAndOneTakesOverWhenTheOtherStops(EmbeddedKafkaBroker broker,
      ApicurioRegistryServer registry) throws Exception {
    PipelineHarness harness = new PipelineHarness(broker, registry, "it-scale");
    List<String> streams = PipelineHarness.streamsOverPartitions(PARTITIONS, PARTITIONS);
    List<MediaChunk> clip = PipelineHarness.clip(24);
    FoleystreamApp first = FoleystreamApp.start(harness.config(PipelineHarness.tempDir("a"),
        PARTITIONS, 2, Map.of(ConfigKeys.INSTANCE_ID.name(), "a",
            ConfigKeys.BATCH_SIZE.name(), "2")));
    try (FoleystreamApp second = FoleystreamApp.start(harness.config(
        PipelineHarness.tempDir("b"), PARTITIONS, 2, Map.of(ConfigKeys.INSTANCE_ID.name(), "b",
            ConfigKeys.BATCH_SIZE.name(), "2")));
        KafkaProducer<String, byte[]> producer = harness.rawProducer()) {
      await(() -> first.health().ready() && second.health().ready(), "both instances ready");
      int half = clip.size() / 2;
      for (String stream : streams) {
        harness.sendChunks(producer, stream, clip, 0, half);
      }
      await(() -> generated(first) >= 1 && generated(second) >= 1
          && generated(first) + generated(second) >= streams.size(),
          "both instances generating the first windows");
      double byFirst = generated(first);
      first.close();
      for (String stream : streams) {
        harness.sendChunks(producer, stream, clip, half, clip.size());
      }
      List<AudioChunk> audio = harness.audio(streams, Duration.ofMinutes(4));

      Set<String> seen = new HashSet<>();
      for (AudioChunk a : audio) {
        assertTrue(seen.add(a.getStreamId() + "/" + a.getWindowIndex() + "/"
            + a.getChunkIndex()), "audio chunk read twice: " + a.getStreamId() + " window "
            + a.getWindowIndex() + " chunk " + a.getChunkIndex());
      }
      for (String stream : streams) {
        List<AudioChunk> own = audio.stream().filter(a -> a.getStreamId().equals(stream))
            .sorted(Comparator.comparingLong(AudioChunk::getPtsStartMicros)).toList();
        assertEquals(clip.size(), own.size(), stream);
        for (int i = 0; i < clip.size(); i++) {
          assertEquals(clip.get(i).startUs(), own.get(i).getPtsStartMicros(), stream + " " + i);
        }
      }
      assertEquals(3 * streams.size(), byFirst + generated(second), "windows generated once");
    } finally {
      first.close();
    }
  }
}
