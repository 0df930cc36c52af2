package io.foleystream.topology.client;

import io.foleystream.media.AudioBlock;
import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.SampleEncoding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads one stream's audio chunks from the audio topic (read_committed, every partition from the
 * start, no consumer group) until the stream is complete: the chunk marked end-of-stream arrived
 * and every window up to it has all its chunks. A chunk seen twice counts once.
 */
public final class AudioCollector {

  private final org.apache.kafka.clients.consumer.Consumer<String, AudioChunk> consumer;
  private final String topic;

  /**
   * @param consumer a consumer configured with {@code isolation.level=read_committed} (its
   *     close is the caller's)
   * @param topic the audio chunk topic
   */
  public AudioCollector(org.apache.kafka.clients.consumer.Consumer<String, AudioChunk> consumer,
      String topic) {
    this.consumer = consumer;
    this.topic = topic;
  }

  /**
   * Collects a stream's audio.
   *
   * @param streamId the stream
   * @param timeout the longest wait
   * @param windowDone told about each window once all its chunks arrived
   * @return the chunks in time order
   * @throws TimeoutException if the stream is not complete in time
   */
  public List<AudioChunk> collect(String streamId, Duration timeout,
      Consumer<List<AudioChunk>> windowDone) throws TimeoutException {
    return collect(streamId, timeout, windowDone, progress -> { });
  }

  /**
   * Where a collection stands, reported after every poll (a few times a second) whether or not
   * anything arrived, so that a waiting client can show it is alive.
   *
   * @param windowsComplete windows with all their chunks
   * @param windowsExpected every window of the stream, known once its end-of-stream chunk
   *     arrived; 0 before
   * @param audioMicros audio received so far, all chunks together
   * @param waited time since the collection began
   * @param timeout the longest wait
   */
  public record Progress(int windowsComplete, long windowsExpected, long audioMicros,
      Duration waited, Duration timeout) {}

  /**
   * Collects a stream's audio, reporting progress.
   *
   * @param streamId the stream
   * @param timeout the longest wait
   * @param windowDone told about each window once all its chunks arrived
   * @param progress told where the collection stands after every poll
   * @return the chunks in time order
   * @throws TimeoutException if the stream is not complete in time
   */
  public List<AudioChunk> collect(String streamId, Duration timeout,
      Consumer<List<AudioChunk>> windowDone, Consumer<Progress> progress)
      throws TimeoutException {
    List<TopicPartition> partitions = new ArrayList<>();
    for (PartitionInfo p : consumer.partitionsFor(topic)) {
      partitions.add(new TopicPartition(topic, p.partition()));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    Map<Long, Map<Integer, AudioChunk>> windows = new TreeMap<>();
    Long lastWindow = null;
    long started = System.nanoTime();
    long deadline = started + timeout.toNanos();
    int windowsComplete = 0;
    long audioMicros = 0;
    while (lastWindow == null || !complete(windows, lastWindow)) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("stream " + streamId + ": audio incomplete after " + timeout
            + " (" + windows.size() + " window(s) seen)");
      }
      for (ConsumerRecord<String, AudioChunk> record : consumer.poll(Duration.ofMillis(200))) {
        AudioChunk chunk = record.value();
        if (chunk == null || !streamId.equals(record.key())) {
          continue;
        }
        Map<Integer, AudioChunk> window = windows.computeIfAbsent(chunk.getWindowIndex(),
            k -> new TreeMap<>());
        boolean wasComplete = window.size() == chunk.getChunkCount();
        if (window.putIfAbsent(chunk.getChunkIndex(), chunk) == null) {
          audioMicros += chunk.getDurationMicros();
        }
        if (!wasComplete && window.size() == chunk.getChunkCount()) {
          windowsComplete++;
          windowDone.accept(List.copyOf(window.values()));
        }
        if (chunk.getEndOfStream()) {
          lastWindow = chunk.getWindowIndex();
        }
      }
      progress.accept(new Progress(windowsComplete, lastWindow == null ? 0 : lastWindow + 1,
          audioMicros, Duration.ofNanos(System.nanoTime() - started), timeout));
    }
    List<AudioChunk> out = new ArrayList<>();
    windows.values().forEach(w -> out.addAll(w.values()));
    out.sort(Comparator.comparingLong(AudioChunk::getPtsStartMicros));
    return out;
  }

  private static boolean complete(Map<Long, Map<Integer, AudioChunk>> windows, long last) {
    for (long k = 0; k <= last; k++) {
      Map<Integer, AudioChunk> window = windows.get(k);
      if (window == null || window.isEmpty()
          || window.size() != window.values().iterator().next().getChunkCount()) {
        return false;
      }
    }
    return true;
  }

  /**
   * The samples of an audio chunk as a block on the stream timeline.
   *
   * @param chunk a PCM chunk
   * @return the block
   * @throws IllegalArgumentException for FLAC chunks
   */
  public static AudioBlock block(AudioChunk chunk) {
    ByteBuffer payload = chunk.getPayload().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    float[] samples;
    if (chunk.getSampleEncoding() == SampleEncoding.PCM_F32LE) {
      samples = new float[payload.remaining() / 4];
      payload.asFloatBuffer().get(samples);
    } else if (chunk.getSampleEncoding() == SampleEncoding.PCM_S16LE) {
      samples = new float[payload.remaining() / 2];
      for (int i = 0; i < samples.length; i++) {
        samples[i] = payload.getShort() / 32768f;
      }
    } else {
      throw new IllegalArgumentException("FLAC audio chunks cannot be read back here");
    }
    return new AudioBlock(chunk.getPtsStartMicros(), chunk.getSampleRate(), chunk.getChannels(),
        samples);
  }

  /**
   * Joins a stream's chunks into one block: chunks tile the timeline sample by sample, so their
   * samples follow each other without gap or overlap.
   *
   * @param chunks the chunks in time order, all of one rate and channel count
   * @return one block starting at the first chunk
   */
  public static AudioBlock concatenate(List<AudioChunk> chunks) {
    List<AudioBlock> blocks = chunks.stream().map(AudioCollector::block).toList();
    int total = blocks.stream().mapToInt(b -> b.samples().length).sum();
    float[] samples = new float[total];
    int at = 0;
    for (AudioBlock b : blocks) {
      System.arraycopy(b.samples(), 0, samples, at, b.samples().length);
      at += b.samples().length;
    }
    AudioBlock first = blocks.get(0);
    return new AudioBlock(first.ptsUs(), first.sampleRate(), first.channels(), samples);
  }
}
