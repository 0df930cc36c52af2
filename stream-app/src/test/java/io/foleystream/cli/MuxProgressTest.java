package io.foleystream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.GenerationParameters;
import io.foleystream.schemas.SampleEncoding;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** What {@code mux} prints while it waits for a stream's audio, without a terminal. */
class MuxProgressTest {

  private static final String TOPIC = "audio";
  private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);

  private final StringWriter err = new StringWriter();
  private final AudioWaitProgress display = new AudioWaitProgress(
      new ProgressBar(new PrintWriter(err), "waiting for audio", ProgressBar.Unit.DURATION, true,
          false),
      new ProgressBar(new PrintWriter(err), "windows", ProgressBar.Unit.COUNT, true, false));

  private static MockConsumer<String, AudioChunk> consumer() {
    MockConsumer<String, AudioChunk> consumer = new MockConsumer<>("earliest") {
      @Override
      public synchronized ConsumerRecords<String, AudioChunk> poll(Duration timeout) {
        // A real consumer waits for records; the mock would spin.
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return super.poll(timeout);
      }
    };
    Node node = new Node(0, "localhost", 9092);
    consumer.updatePartitions(TOPIC, List.of(
        new PartitionInfo(TOPIC, 0, node, new Node[0], new Node[0])));
    consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
    return consumer;
  }

  private static AudioChunk chunk(long window, int index, int count, boolean last) {
    long durationUs = 2_000_000L;
    return AudioChunk.newBuilder().setStreamId("cam").setWindowIndex(window)
        .setChunkIndex(index).setChunkCount(count)
        .setPtsStartMicros((window * count + index) * durationUs).setDurationMicros(durationUs)
        .setSampleRate(16_000).setChannels(1).setSampleEncoding(SampleEncoding.PCM_F32LE)
        .setPayload(ByteBuffer.wrap(new byte[4]))
        .setGeneration(new GenerationParameters("tiny", 1L, 2, 4.5, "", ""))
        .setEndOfStream(last).build();
  }

  @Test
  void eachWindowGetsALineAndTheBarCountsWindowsOnceTheLastIsKnown() throws TimeoutException {
    // Chunks come one poll at a time; the end-of-stream chunk before the rest of its window,
    // and one chunk twice (a retried send), which counts once.
    List<AudioChunk> arriving = List.of(chunk(0, 0, 2, false), chunk(0, 1, 2, false),
        chunk(0, 1, 2, false), chunk(1, 1, 2, true), chunk(1, 0, 2, false));
    MockConsumer<String, AudioChunk> consumer = consumer();
    for (int i = 0; i < arriving.size(); i++) {
      long offset = i;
      AudioChunk c = arriving.get(i);
      consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, offset,
          c.getStreamId().toString(), c)));
    }

    List<AudioChunk> chunks = MuxCommand.collect(consumer, TOPIC, "cam", Duration.ofSeconds(60),
        display);

    assertEquals(4, chunks.size());
    double audioS = chunks.stream().mapToLong(AudioChunk::getDurationMicros).sum() / 1e6;
    assertEquals(List.of("window 0: 2 chunk(s)",
        "windows: 1/2 (50 %)  " + String.format(Locale.ROOT, "%.1f", audioS * 3 / 4)
            + " s of audio",
        "window 1: 2 chunk(s)",
        "windows: 2/2 (100 %)  " + String.format(Locale.ROOT, "%.1f", audioS) + " s of audio"),
        err.toString().lines().toList());
  }

  @Test
  void withNothingArrivingTheTimeWaitedOfTheTimeoutIsPrintedEveryTenth() {
    Duration timeout = Duration.ofSeconds(1);
    assertThrows(TimeoutException.class,
        () -> MuxCommand.collect(consumer(), TOPIC, "cam", timeout, display));

    List<String> lines = err.toString().lines().toList();
    assertTrue(lines.size() >= 5 && lines.size() <= 10, lines.toString());
    int before = 0;
    for (String line : lines) {
      assertTrue(line.matches("waiting for audio: \\d+\\.\\d/1 s \\(\\d+ %\\)"
          + "  0 window\\(s\\), 0\\.0 s of audio"), line);
      int percent = Integer.parseInt(line.replaceAll(".*\\((\\d+) %\\).*", "$1"));
      assertTrue(percent > before, lines.toString());
      before = percent;
    }
  }
}
