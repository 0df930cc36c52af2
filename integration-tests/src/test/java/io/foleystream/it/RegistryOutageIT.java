package io.foleystream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.devstack.ApicurioRegistryServer;
import io.foleystream.devstack.EmbeddedKafkaBroker;
import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.SampleRecords;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.registry.RegistryUnavailableException;
import io.foleystream.schemas.serde.RegistryUnreachableException;
import io.foleystream.schemas.serde.SpecificAvroDeserializer;
import io.foleystream.schemas.serde.SpecificAvroSerializer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The registry stops mid-test: ids already cached keep records flowing, anything that needs the
 * registry fails after the configured retries with a typed error, and after the restart new
 * schemas register and old ids resolve again.
 */
@ExtendWith(DevStackExtension.class)
class RegistryOutageIT {

  private static final String VIDEO_TOPIC = "it.outage.video";
  private static final String AUDIO_TOPIC = "it.outage.audio";

  @Test
  void cachedIdsOutliveAnOutageAndNewSchemasRecoverAfterIt(EmbeddedKafkaBroker broker,
      ApicurioRegistryServer registry) throws Exception {
    Topics.create(broker, VIDEO_TOPIC);
    Topics.create(broker, AUDIO_TOPIC);
    // Three attempts, 200 + 400 ms apart: an outage surfaces in well under a second.
    Map<String, Object> configs = Map.of("schema.registry.url", registry.confluentApiUrl(),
        "max.retries", "2", "retries.wait.ms", "200", "retries.max.wait.ms", "400");
    SpecificAvroSerializer<VideoChunk> videoSerializer = serializer(configs);
    SpecificAvroDeserializer<VideoChunk> videoDeserializer = deserializer(configs,
        VideoChunk.class);
    SpecificAvroSerializer<AudioChunk> audioSerializer = serializer(configs);
    VideoChunk before = SampleRecords.inlineChunk(0);
    Topics.produce(broker, VIDEO_TOPIC, videoSerializer, List.of("cam-1"), List.of(before));
    assertEquals(before, values(Topics.consume(broker, VIDEO_TOPIC, videoDeserializer, 1)).get(0));

    registry.stop();

    VideoChunk during = SampleRecords.inlineChunk(1);
    Topics.produce(broker, VIDEO_TOPIC, videoSerializer, List.of("cam-1"), List.of(during));
    assertEquals(List.of(before, during),
        values(Topics.consume(broker, VIDEO_TOPIC, videoDeserializer, 2)),
        "cached ids need no registry");

    long t0 = System.nanoTime();
    RegistryUnreachableException newSchema = assertThrows(RegistryUnreachableException.class,
        () -> audioSerializer.serialize(AUDIO_TOPIC, SampleRecords.audioChunk()));
    long failedAfterMillis = Duration.ofNanos(System.nanoTime() - t0).toMillis();
    assertInstanceOf(RegistryUnavailableException.class, newSchema.getCause());
    assertTrue(newSchema.getMessage().contains("3 attempts"), newSchema.getMessage());
    assertTrue(failedAfterMillis >= 600 && failedAfterMillis < 10_000,
        "bounded retries: " + failedAfterMillis + " ms");
    assertFalse(newSchema.recordAtFault());

    SpecificAvroDeserializer<VideoChunk> coldDeserializer = deserializer(configs,
        VideoChunk.class);
    RecordDeserializationException polled = assertThrows(RecordDeserializationException.class,
        () -> Topics.consume(broker, VIDEO_TOPIC, coldDeserializer, 1));
    RegistryUnreachableException uncached =
        assertInstanceOf(RegistryUnreachableException.class, polled.getCause());
    assertFalse(uncached.recordAtFault(), "the consumer must not dead-letter this record");

    registry.restart();

    byte[] audio = audioSerializer.serialize(AUDIO_TOPIC, SampleRecords.audioChunk());
    assertEquals(SampleRecords.audioChunk(),
        deserializer(configs, AudioChunk.class).deserialize(AUDIO_TOPIC, audio));
    assertEquals(List.of(before, during),
        values(Topics.consume(broker, VIDEO_TOPIC, coldDeserializer, 2)),
        "ids issued before the outage mean the same schemas after it");
  }

  private static <T extends org.apache.avro.specific.SpecificRecord> SpecificAvroSerializer<T>
      serializer(Map<String, Object> configs) {
    SpecificAvroSerializer<T> serializer = new SpecificAvroSerializer<>();
    serializer.configure(configs, false);
    return serializer;
  }

  private static <T extends org.apache.avro.specific.SpecificRecord> SpecificAvroDeserializer<T>
      deserializer(Map<String, Object> configs, Class<T> type) {
    SpecificAvroDeserializer<T> deserializer = new SpecificAvroDeserializer<>(type);
    deserializer.configure(configs, false);
    return deserializer;
  }

  private static <V> List<V> values(List<ConsumerRecord<String, V>> records) {
    return records.stream().map(ConsumerRecord::value).toList();
  }
}
