package io.foleystream.topology.generator;

import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.GenerationParameters;
import io.foleystream.schemas.SampleEncoding;
import io.foleystream.schemas.WindowTask;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/** What the generation driver's tests share: a stand-in engine and readings of the producer. */
final class DriverFixtures {

  private DriverFixtures() {}

  /** One audio chunk per window, standing in for the engine. */
  static List<GenerationStep.Outcome> oneChunkEach(List<WindowTask> batch) {
    List<GenerationStep.Outcome> out = new ArrayList<>();
    for (WindowTask t : batch) {
      out.add(new GenerationStep.Outcome(t, List.of(AudioChunk.newBuilder()
          .setStreamId(t.getStreamId()).setWindowIndex(t.getWindowIndex()).setChunkIndex(0)
          .setChunkCount(1).setPtsStartMicros(t.getWindowStartMicros())
          .setDurationMicros(8_000_000L).setSampleRate(16_000).setChannels(1)
          .setSampleEncoding(SampleEncoding.PCM_F32LE).setPayload(ByteBuffer.wrap(new byte[4]))
          .setGeneration(new GenerationParameters("tiny", 1L, 2, 4.5, "", "")).build()),
          null, List.of(), null, List.of()));
    }
    return out;
  }

  /** The records a producer sent to a topic, in order. */
  static List<ProducerRecord<byte[], byte[]>> sentTo(MockProducer<byte[], byte[]> producer,
      String topic) {
    return producer.history().stream().filter(r -> r.topic().equals(topic)).toList();
  }

  /** The latest offset each partition committed through the producer's transactions. */
  static Map<TopicPartition, OffsetAndMetadata> lastOffsets(
      MockProducer<byte[], byte[]> producer) {
    Map<TopicPartition, OffsetAndMetadata> merged = new HashMap<>();
    producer.consumerGroupOffsetsHistory().forEach(commit -> commit.values()
        .forEach(merged::putAll));
    return merged;
  }

  /** Waits up to 20 s for a condition. */
  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }
}
