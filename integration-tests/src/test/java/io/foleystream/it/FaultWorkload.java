package io.foleystream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.config.ConfigKeys;
import io.foleystream.media.MediaChunk;
import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * What the fault tests run and check: several streams of one clip spread over the partitions of
 * the window task topic, one of them carrying a damaged chunk (a dead letter of the generator),
 * and what must hold of the output whatever fault hit the run: read with read_committed, every
 * window's audio chunks once, every instant of every stream covered by exactly one audio sample,
 * and the damaged chunk's dead letter once.
 */
final class FaultWorkload {

  private static final long HOP_MICROS =
      Long.parseLong(ConfigKeys.WINDOW_HOP_MS.defaultValue()) * 1000;

  private final List<String> streams;
  private final List<MediaChunk> clip;
  private final int damagedSequence;

  /**
   * @param streams how many streams
   * @param partitions partitions of the test's topics; the streams go to them in turn
   * @param clipSeconds length of every stream
   */
  FaultWorkload(int streams, int partitions, int clipSeconds) {
    this.streams = PipelineHarness.streamsOverPartitions(streams, partitions);
    this.clip = PipelineHarness.clip(clipSeconds);
    this.damagedSequence = clip.size() / 2;
  }

  /** The streams' ids. */
  List<String> streams() {
    return streams;
  }

  /** Chunks per stream. */
  int chunks() {
    return clip.size();
  }

  /** The stream with the damaged chunk: the last, which shares its partition with another. */
  String damagedStream() {
    return streams.get(streams.size() - 1);
  }

  /** Windows of all streams together (tumbling windows of the default hop). */
  long windows() {
    return streams.size() * (windowOf(clip.size() - 1) + 1);
  }

  /** The window holding the damaged chunk, as the generator logs it (stream#index). */
  String damagedWindow() {
    return damagedStream() + "#" + windowOf(damagedSequence);
  }

  private long windowOf(int sequence) {
    return (clip.get(sequence).startUs() - clip.get(0).startUs()) / HOP_MICROS;
  }

  /** Sends chunks {@code from} to {@code to} (exclusive) of every stream, stream by stream. */
  void send(PipelineHarness harness, KafkaProducer<String, byte[]> producer, int from, int to) {
    for (String stream : streams) {
      for (int n = from; n < to; n++) {
        harness.send(producer, stream.equals(damagedStream()) && n == damagedSequence
            ? PipelineHarness.damagedChunk(stream, clip, n)
            : PipelineHarness.videoChunk(stream, clip, n));
      }
    }
  }

  /**
   * Reads the audio and dead-letter topics with read_committed and asserts that each window's
   * audio chunks arrived once, that each stream's audio covers its timeline sample for sample,
   * and that the damaged chunk has one dead letter.
   *
   * @return the audio read
   */
  List<AudioChunk> assertExactlyOnce(PipelineHarness harness, Duration timeout) {
    List<AudioChunk> audio = harness.audio(streams, timeout);
    Set<String> keys = new HashSet<>();
    for (AudioChunk a : audio) {
      assertTrue(keys.add(a.getStreamId() + "/" + a.getWindowIndex() + "/" + a.getChunkIndex()),
          "audio chunk committed twice: " + a.getStreamId() + " window " + a.getWindowIndex()
              + " chunk " + a.getChunkIndex());
    }
    for (String stream : streams) {
      assertCovered(stream, audio.stream().filter(a -> a.getStreamId().equals(stream))
          .sorted(Comparator.comparingLong(AudioChunk::getPtsStartMicros)).toList());
    }
    List<DeadLetter> letters = harness.deadLetters(1, Duration.ofSeconds(30));
    assertEquals(1, letters.size(), "one dead letter, for the damaged chunk: " + letters);
    DeadLetter letter = letters.get(0);
    assertEquals("featurize", letter.getStage());
    assertEquals(ByteBuffer.wrap(damagedStream().getBytes(StandardCharsets.UTF_8)),
        letter.getKey());
    return audio;
  }

  /**
   * Every window up to the last complete, and the audio cut at the video chunk boundaries,
   * contiguous from the first chunk's start to the last chunk's end, with the samples of exactly
   * that span.
   */
  private void assertCovered(String stream, List<AudioChunk> own) {
    Map<Long, Integer> perWindow = new HashMap<>();
    own.forEach(a -> perWindow.merge(a.getWindowIndex(), 1, Integer::sum));
    for (AudioChunk a : own) {
      assertEquals(a.getChunkCount(), perWindow.get(a.getWindowIndex()),
          stream + " window " + a.getWindowIndex() + " complete");
    }
    assertEquals(clip.size(), own.size(), stream + ": one audio chunk per video chunk");
    long samples = 0;
    for (int i = 0; i < own.size(); i++) {
      AudioChunk a = own.get(i);
      assertEquals(clip.get(i).startUs(), a.getPtsStartMicros(), stream + " chunk " + i);
      if (i > 0) {
        AudioChunk before = own.get(i - 1);
        assertEquals(before.getPtsStartMicros() + before.getDurationMicros(),
            a.getPtsStartMicros(), stream + ": audio chunk " + i + " follows its predecessor");
      }
      samples += a.getPayload().remaining() / (4L * a.getChannels());
    }
    MediaChunk closing = clip.get(clip.size() - 1);
    long streamMicros = closing.startUs() + closing.durationUs() - clip.get(0).startUs();
    int rate = own.get(0).getSampleRate();
    assertEquals(-Math.floorDiv(-streamMicros * rate, 1_000_000L), samples,
        stream + ": every sample of the stream once");
    assertTrue(own.get(own.size() - 1).getEndOfStream(), stream + " ends");
  }
}
