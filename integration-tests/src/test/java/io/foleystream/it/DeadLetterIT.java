package io.foleystream.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.devstack.ApicurioRegistryServer;
import io.foleystream.devstack.EmbeddedKafkaBroker;
import io.foleystream.media.MediaChunk;
import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.DeadLetter;
import io.foleystream.schemas.StreamControl;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.serde.SpecificAvroDeserializer;
import io.foleystream.schemas.serde.UnknownSchemaIdException;
import io.foleystream.schemas.serde.WireFormat;
import io.foleystream.topology.FoleystreamApp;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A chunk whose video is damaged and a record with a schema id the registry never issued go to
 * the dead-letter topic with their origin and cause, and the stream goes on: every range of the
 * video still gets its audio.
 */
@ExtendWith(DevStackExtension.class)
class DeadLetterIT {

  @Test
  void aCorruptChunkAndAnUnknownSchemaIdAreDeadLetteredAndTheStreamContinues(
      EmbeddedKafkaBroker broker, ApicurioRegistryServer registry) throws Exception {
    PipelineHarness harness = new PipelineHarness(broker, registry, "it-dlq");
    List<MediaChunk> clip = PipelineHarness.clip(16);
    try (FoleystreamApp app = FoleystreamApp.start(harness.config(
        PipelineHarness.tempDir("dlq"), 1, 2, Map.of()));
        KafkaProducer<String, byte[]> producer = harness.rawProducer()) {
      harness.sendChunks(producer, "cam", clip, 0, 2);
      byte[] unknownId = ByteBuffer.allocate(1 + 4 + 3).put(WireFormat.MAGIC_BYTE)
          .putInt(987_654).put(new byte[] {2, 4, 6}).array();
      producer.send(new ProducerRecord<>(harness.videoTopic(), "cam", unknownId)).get();
      VideoChunk damaged = PipelineHarness.damagedChunk("cam", clip, 2);
      producer.send(new ProducerRecord<>(harness.videoTopic(), "cam",
          harness.encode(harness.videoTopic(), damaged))).get();
      harness.sendChunks(producer, "cam", clip, 3, clip.size());

      List<AudioChunk> audio = harness.audio(List.of("cam"), Duration.ofMinutes(3)).stream()
          .sorted(Comparator.comparingLong(AudioChunk::getPtsStartMicros)).toList();
      assertEquals(clip.size(), audio.size(), "every range still gets its audio, once");
      for (int i = 0; i < clip.size(); i++) {
        assertEquals(clip.get(i).startUs(), audio.get(i).getPtsStartMicros());
      }

      List<DeadLetter> letters = harness.deadLetters(2, Duration.ofSeconds(30));
      assertEquals(2, letters.size(), letters.toString());
      Map<Long, ConsumerRecord<byte[], byte[]>> byOffset = harness.rawRecords(
          harness.videoTopic(), clip.size() + 1, Duration.ofSeconds(10)).stream()
          .collect(Collectors.toMap(ConsumerRecord::offset, r -> r));
      DeadLetter schema = letters.stream().filter(l -> l.getSourceOffset() == 2).findFirst()
          .orElseThrow();
      ConsumerRecord<byte[], byte[]> unknownRecord = byOffset.get(2L);
      assertArrayEquals(unknownId, unknownRecord.value(), "offset 2 is the unknown schema id");
      assertEquals(harness.videoTopic(), schema.getSourceTopic());
      assertEquals(unknownRecord.partition(), schema.getSourcePartition());
      assertEquals(Instant.ofEpochMilli(unknownRecord.timestamp()), schema.getSourceTimestamp());
      assertEquals(ByteBuffer.wrap(unknownRecord.key()), schema.getKey());
      assertEquals(UnknownSchemaIdException.class.getName(), schema.getErrorClass());
      assertTrue(schema.getErrorMessage().contains("987654"), schema.getErrorMessage());
      assertEquals("window-assembler", schema.getStage());
      assertEquals(ByteBuffer.wrap(unknownId), schema.getValue());

      DeadLetter corrupt = letters.stream().filter(l -> l.getSourceOffset() == 3).findFirst()
          .orElseThrow();
      assertEquals(harness.videoTopic(), corrupt.getSourceTopic());
      assertEquals(byOffset.get(3L).partition(), corrupt.getSourcePartition());
      assertEquals(ByteBuffer.wrap("cam".getBytes(StandardCharsets.UTF_8)), corrupt.getKey());
      assertEquals("featurize", corrupt.getStage());
      assertTrue(corrupt.getErrorClass().endsWith("MediaException"), corrupt.getErrorClass());
      assertTrue(!corrupt.getErrorMessage().isBlank(), "the decoder's reason is kept");
      // A 2 s chunk of the test clip is far below the inline limit: the letter holds the chunk.
      ByteBuffer value = assertInstanceOf(ByteBuffer.class, corrupt.getValue());
      byte[] letterBytes = new byte[value.remaining()];
      value.duplicate().get(letterBytes);
      try (SpecificAvroDeserializer<VideoChunk> chunks = new SpecificAvroDeserializer<>(
          VideoChunk.class)) {
        chunks.configure(harness.serdeConfig(), false);
        VideoChunk rejected = chunks.deserialize(harness.videoTopic(), letterBytes);
        assertEquals(2, rejected.getSequence(), "the damaged chunk, not a neighbour");
        assertEquals(damaged.getPayload(), rejected.getPayload());
      }
      assertEquals(2.0, app.meterRegistry().find("foleystream.dlq.records").counters().stream()
          .mapToDouble(c -> c.count()).sum());
    }
  }

  /**
   * With a 4 s hop every chunk lies in two 8 s windows, and both featurize it: a damaged chunk is
   * still one dead letter, and both windows get their audio.
   */
  @Test
  void aDamagedChunkInTwoOverlappingWindowsIsDeadLetteredOnce(EmbeddedKafkaBroker broker,
      ApicurioRegistryServer registry) throws Exception {
    PipelineHarness harness = new PipelineHarness(broker, registry, "it-dlq-overlap");
    List<MediaChunk> clip = PipelineHarness.clip(16);
    int damaged = clip.size() / 2;
    try (FoleystreamApp app = FoleystreamApp.start(harness.config(
        PipelineHarness.tempDir("dlq-overlap"), 1, 2, Map.of()));
        KafkaProducer<String, byte[]> producer = harness.rawProducer()) {
      harness.sendControl(producer, StreamControl.newBuilder().setStreamId("cam")
          .setWindowHopMicros(4_000_000L).build());
      harness.sendChunks(producer, "cam", clip, 0, damaged);
      harness.send(producer, PipelineHarness.damagedChunk("cam", clip, damaged));
      harness.sendChunks(producer, "cam", clip, damaged + 1, clip.size());

      List<AudioChunk> audio = harness.audio(List.of("cam"), Duration.ofMinutes(3));
      assertTrue(audio.stream().map(AudioChunk::getWindowIndex).distinct().count() > 2,
          "overlapping windows");
      List<DeadLetter> letters = harness.deadLetters(1, Duration.ofSeconds(30));
      assertEquals(1, letters.size(), "one dead letter for the damaged chunk: " + letters);
      assertEquals("featurize", letters.get(0).getStage());
    }
  }
}
