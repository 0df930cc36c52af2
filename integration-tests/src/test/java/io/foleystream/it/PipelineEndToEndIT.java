package io.foleystream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.config.ConfigKeys;
import io.foleystream.devstack.ApicurioRegistryServer;
import io.foleystream.devstack.EmbeddedKafkaBroker;
import io.foleystream.media.MediaChunk;
import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.SampleEncoding;
import io.foleystream.topology.FoleystreamApp;
import io.foleystream.topology.generator.WindowSeeds;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A 30 s video ingested as 2 s chunks comes out as audio chunks that cover every PTS range of
 * the video exactly once, with the right sample counts, through the real broker, registry,
 * GStreamer decoding and ONNX models.
 */
@ExtendWith(DevStackExtension.class)
class PipelineEndToEndIT {

  private static final long S = PipelineHarness.SECOND;

  @Test
  void aThirtySecondVideoComesOutAsAudioCoveringEveryRangeOnce(EmbeddedKafkaBroker broker,
      ApicurioRegistryServer registry) throws Exception {
    PipelineHarness harness = new PipelineHarness(broker, registry, "it-e2e");
    List<MediaChunk> clip = PipelineHarness.clip(30);
    assertEquals(15, clip.size(), "30 s in 2 s chunks");
    try (FoleystreamApp app = FoleystreamApp.start(harness.config(
        PipelineHarness.tempDir("e2e"), 1, 4, Map.of(ConfigKeys.HTTP_PORT.name(), "0",
            ConfigKeys.HTTP_HOST.name(), "127.0.0.1")));
        KafkaProducer<String, byte[]> producer = harness.rawProducer()) {
      harness.sendChunks(producer, "cam-1", clip, 0, clip.size());
      List<AudioChunk> audio = harness.audio(List.of("cam-1"), Duration.ofMinutes(3));

      assertEquals(15, audio.size(), "one audio chunk per video chunk, none twice");
      List<AudioChunk> ordered = audio.stream()
          .sorted(Comparator.comparingLong(AudioChunk::getPtsStartMicros)).toList();
      long expectedStart = clip.get(0).startUs();
      for (int i = 0; i < ordered.size(); i++) {
        AudioChunk a = ordered.get(i);
        MediaChunk v = clip.get(i);
        assertEquals(v.startUs(), a.getPtsStartMicros(), "chunk " + i + " starts with its video");
        assertEquals(expectedStart, a.getPtsStartMicros(), "no gap or overlap before chunk " + i);
        long samples = Math.round(v.durationUs() * 16_000.0 / S);
        assertEquals(samples * 4, a.getPayload().remaining(), "f32 samples of chunk " + i);
        assertEquals(SampleEncoding.PCM_F32LE, a.getSampleEncoding());
        assertEquals(16_000, a.getSampleRate());
        assertEquals(i / 4, a.getWindowIndex());
        assertEquals(a.getWindowIndex() == 3 ? 3 : 4, a.getChunkCount());
        assertEquals(i == 14, a.getEndOfStream());
        assertEquals(WindowSeeds.derive(42, "cam-1", a.getWindowIndex()),
            a.getGeneration().getSeed());
        expectedStart = a.getPtsStartMicros() + a.getDurationMicros();
      }
      assertEquals(clip.get(14).endUs(), expectedStart, "the audio ends with the video");

      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + app.httpPort() + "/health/ready")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, ready.statusCode(), ready.body());
      String metrics = http.send(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + app.httpPort() + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertTrue(metrics.contains("foleystream_windows_generated_total 4.0"), metrics);
      assertTrue(metrics.contains("foleystream_execution_provider{graph=\"velocity\","
          + "provider=\"CPU\"} 1"), metrics);
      assertTrue(metrics.contains("foleystream_stage_latency_seconds_count{stage=\"generation\"}"),
          metrics);
    }
  }
}
