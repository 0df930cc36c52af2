package io.foleystream.topology.client;

import io.foleystream.media.AudioTimeline;
import io.foleystream.media.ContainerType;
import io.foleystream.media.MediaChunk;
import io.foleystream.media.MediaException;
import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.topology.records.PayloadFetcher;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows one stream's video chunks and audio chunks (both read_committed, every partition from
 * the start, no consumer group) and hands each video chunk, a fixed delay after it arrived, to a
 * live output together with the audio of its time range.
 *
 * <p>The delay is what lets the audio be there when the chunk goes out: a window's audio is
 * published once the whole window's video arrived and was generated. Audio that is still missing
 * at the chunk's release is silence in the output (counted in {@link Stats}); audio that arrives
 * later stays on its topic but is not inserted into the past (counted too). The output therefore
 * never stalls on a slow or failed window.
 */
public final class LiveStreamFollower {

  /** Where released chunks go: a live output such as HLS. */
  @FunctionalInterface
  public interface Output {
    /**
     * Writes one chunk and its audio.
     *
     * @param chunk the video chunk
     * @param span the audio of exactly the chunk's range
     * @throws MediaException if the output fails
     */
    void write(MediaChunk chunk, AudioTimeline.Span span) throws MediaException;
  }

  /** Told about each chunk released. */
  @FunctionalInterface
  public interface Progress {
    /**
     * A chunk went out.
     *
     * @param chunk the video chunk record
     * @param span its audio
     */
    void released(VideoChunk chunk, AudioTimeline.Span span);
  }

  /**
   * What a follower did.
   *
   * @param chunks video chunks written
   * @param chunksWithSilence chunks some of whose audio had not arrived at their release
   * @param silentSeconds seconds of audio written as silence for that reason
   * @param lateAudioChunks audio chunks that arrived (wholly or partly) after their span went
   *     out
   * @param skippedVideoChunks video chunks dropped: repeated, overlapping an earlier one, or
   *     unreadable
   * @param ended whether the stream's end-of-stream chunk went out
   */
  public record Stats(long chunks, long chunksWithSilence, double silentSeconds,
      long lateAudioChunks, long skippedVideoChunks, boolean ended) {}

  private static final Logger LOG = LoggerFactory.getLogger(LiveStreamFollower.class);
  private static final Duration POLL = Duration.ofMillis(50);

  private record Pending(VideoChunk chunk, long releaseAtNanos) {}

  private final Consumer<String, VideoChunk> videoConsumer;
  private final Consumer<String, AudioChunk> audioConsumer;
  private final String videoTopic;
  private final String audioTopic;
  private final LiveSchedule schedule;
  private final LongSupplier clock;
  private final PayloadFetcher payloads;
  private final AudioTimeline timeline = new AudioTimeline();
  private final Deque<Pending> pending = new ArrayDeque<>();
  private volatile boolean stopped;
  private long lastSequence = -1;
  private Long releasedUntilUs;
  private long chunks;
  private long chunksWithSilence;
  private double silentSeconds;
  private long lateAudioChunks;
  private long skippedVideoChunks;

  /**
   * @param videoConsumer a read_committed consumer of video chunks (its close is the caller's)
   * @param audioConsumer a read_committed consumer of audio chunks (its close is the caller's)
   * @param videoTopic the video chunk topic
   * @param audioTopic the audio chunk topic
   * @param delay how long after its arrival a video chunk goes out
   */
  public LiveStreamFollower(Consumer<String, VideoChunk> videoConsumer,
      Consumer<String, AudioChunk> audioConsumer, String videoTopic, String audioTopic,
      Duration delay, PayloadFetcher payloads) {
    this(videoConsumer, audioConsumer, videoTopic, audioTopic, delay, payloads,
        System::nanoTime);
  }

  LiveStreamFollower(Consumer<String, VideoChunk> videoConsumer,
      Consumer<String, AudioChunk> audioConsumer, String videoTopic, String audioTopic,
      Duration delay, PayloadFetcher payloads, LongSupplier clock) {
    this.payloads = payloads;
    this.videoConsumer = videoConsumer;
    this.audioConsumer = audioConsumer;
    this.videoTopic = videoTopic;
    this.audioTopic = audioTopic;
    this.schedule = new LiveSchedule(delay.toNanos());
    this.clock = clock;
  }

  /** Makes {@link #follow} return after the chunk it is writing, from any thread. */
  public void stop() {
    stopped = true;
  }

  /**
   * Follows a stream until its end-of-stream chunk went out or {@link #stop} was called.
   *
   * @param streamId the stream
   * @param output where chunks go
   * @param progress told about each chunk released
   * @return what was done
   * @throws MediaException if the output fails
   */
  public Stats follow(String streamId, Output output, Progress progress) throws MediaException {
    assignFromStart(videoConsumer, videoTopic);
    assignFromStart(audioConsumer, audioTopic);
    boolean ended = false;
    while (!stopped && !ended) {
      for (ConsumerRecord<String, VideoChunk> record : videoConsumer.poll(POLL)) {
        if (streamId.equals(record.key()) && record.value() != null) {
          accept(record.value());
        }
      }
      for (ConsumerRecord<String, AudioChunk> record : audioConsumer.poll(POLL)) {
        if (streamId.equals(record.key()) && record.value() != null) {
          addAudio(record.value());
        }
      }
      long now = clock.getAsLong();
      while (!pending.isEmpty() && pending.peekFirst().releaseAtNanos() <= now && !ended) {
        VideoChunk chunk = pending.removeFirst().chunk();
        release(chunk, output, progress);
        ended = chunk.getEndOfStream();
      }
    }
    return new Stats(chunks, chunksWithSilence, silentSeconds, lateAudioChunks,
        skippedVideoChunks, ended);
  }

  private void accept(VideoChunk chunk) {
    if (chunk.getSequence() <= lastSequence) {
      return;
    }
    lastSequence = chunk.getSequence();
    long end = chunk.getPtsStartMicros() + chunk.getDurationMicros();
    pending.addLast(new Pending(chunk, schedule.releaseAt(end, clock.getAsLong())));
  }

  private void addAudio(AudioChunk chunk) {
    try {
      long dropped = timeline.add(AudioCollector.block(chunk));
      if (dropped > 0) {
        lateAudioChunks++;
        LOG.warn("audio of window {} chunk {} arrived {} frame(s) after its span went out",
            chunk.getWindowIndex(), chunk.getChunkIndex(), dropped);
      }
    } catch (IllegalArgumentException e) {
      lateAudioChunks++;
      LOG.warn("audio of window {} chunk {} cannot be used: {}", chunk.getWindowIndex(),
          chunk.getChunkIndex(), e.getMessage());
    }
  }

  private void release(VideoChunk record, Output output, Progress progress)
      throws MediaException {
    long start = record.getPtsStartMicros();
    long end = start + record.getDurationMicros();
    if (releasedUntilUs != null && start < releasedUntilUs) {
      skip(record, "it overlaps the chunks already written");
      return;
    }
    byte[] bytes;
    try {
      bytes = payloads.bytes(record.getPayload());
    } catch (PayloadFetcher.PayloadException e) {
      skip(record, e.getMessage());
      return;
    }
    ContainerType container = ContainerType.detect(bytes);
    if (container != ContainerType.MPEG_TS) {
      skip(record, "live output takes MPEG-TS chunks, this one is " + container);
      return;
    }
    if (releasedUntilUs != null && start > releasedUntilUs) {
      LOG.warn("video gap before chunk {}: {} us missing", record.getSequence(),
          start - releasedUntilUs);
      timeline.take(releasedUntilUs, start);
    }
    AudioTimeline.Span span = timeline.take(start, end);
    releasedUntilUs = end;
    output.write(new MediaChunk(bytes, container, start, record.getDurationMicros()), span);
    chunks++;
    if (span.incomplete()) {
      chunksWithSilence++;
      silentSeconds += (double) span.missingFrames() / span.audio().sampleRate();
    }
    progress.released(record, span);
  }

  private void skip(VideoChunk record, String why) {
    skippedVideoChunks++;
    LOG.warn("video chunk {} skipped: {}", record.getSequence(), why);
  }

  private static void assignFromStart(Consumer<String, ?> consumer, String topic) {
    List<TopicPartition> partitions = new ArrayList<>();
    for (PartitionInfo p : consumer.partitionsFor(topic)) {
      partitions.add(new TopicPartition(topic, p.partition()));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }
}
