package io.foleystream.topology.client;

import io.foleystream.media.ChunkSegmenter;
import io.foleystream.media.MediaChunk;
import io.foleystream.media.MediaException;
import io.foleystream.media.SegmenterSettings;
import io.foleystream.media.VideoSource;
import io.foleystream.schemas.VideoChunk;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The producer side of the pipeline: cuts a video source into chunks (the media package's
 * segmenter) and writes them as {@link VideoChunk} records, sequence numbers from 0, the last one
 * marked end-of-stream. Each chunk is sent once the next one exists (or the source ended), so the
 * end-of-stream flag lands on the true last chunk.
 */
public final class VideoIngestor {

  /** Told about each chunk sent. */
  @FunctionalInterface
  public interface Progress {
    /**
     * A chunk was sent.
     *
     * @param chunk the record
     */
    void sent(VideoChunk chunk);
  }

  /** How fast chunks are sent. */
  public enum Pace {
    /** As soon as they are cut. */
    FAST,
    /** Not before their end on the stream timeline has passed in wall-clock time. */
    REAL_TIME
  }

  private final Producer<String, VideoChunk> producer;
  private final String topic;
  private volatile ChunkSegmenter segmenter;
  private volatile boolean stopped;

  /**
   * @param producer a producer of video chunks (its close is the caller's)
   * @param topic the video chunk topic
   */
  public VideoIngestor(Producer<String, VideoChunk> producer, String topic) {
    this.producer = producer;
    this.topic = topic;
  }

  /**
   * Ingests a source until it ends.
   *
   * @param source the video source
   * @param streamId the stream id (record key)
   * @param settings chunk length and encoding
   * @param pace how fast to send
   * @param copy where to also write the chunks' bytes back to back (an MPEG-TS of the whole
   *     input), or null
   * @param progress told about each chunk
   * @return the number of chunks sent
   * @throws MediaException if the source cannot be read
   * @throws IOException if the copy cannot be written
   */
  public int ingest(VideoSource source, String streamId, SegmenterSettings settings, Pace pace,
      OutputStream copy, Progress progress) throws MediaException, IOException {
    long wallStart = System.nanoTime();
    long[] sequence = {0};
    Long[] firstStart = {null};
    MediaChunk[] held = {null};
    segmenter = new ChunkSegmenter(settings);
    if (stopped) {
      return 0;
    }
    ChunkSegmenter running = segmenter;
    running.run(source, chunk -> {
      if (stopped) {
        // A stop that came before the pipeline was up found nothing to end: end it now.
        running.stop();
      }
      if (held[0] != null) {
        send(held[0], streamId, sequence[0]++, false, copy, progress);
      }
      if (firstStart[0] == null) {
        firstStart[0] = chunk.startUs();
      }
      if (pace == Pace.REAL_TIME && !stopped) {
        long dueNanos = wallStart + (chunk.endUs() - firstStart[0]) * 1000;
        long wait = dueNanos - System.nanoTime();
        if (wait > 0) {
          try {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MediaException(MediaException.Reason.IO, "ingest interrupted", e);
          }
        }
      }
      held[0] = chunk;
    });
    if (held[0] != null) {
      send(held[0], streamId, sequence[0]++, true, copy, progress);
    }
    producer.flush();
    return (int) sequence[0];
  }

  /**
   * Ends a running {@link #ingest} early, as if the source had ended: the segmenter finishes the
   * chunk it is cutting, that chunk is sent marked end-of-stream, and the producer is flushed.
   * For live sources stopped by a signal. Safe to call from any thread, before or during ingest.
   */
  public void stop() {
    stopped = true;
    ChunkSegmenter running = segmenter;
    if (running != null) {
      running.stop();
    }
  }

  /**
   * The record of one chunk.
   *
   * @param chunk the chunk
   * @param streamId the stream id
   * @param sequence its sequence number
   * @param last whether it ends the stream
   * @return the record, its payload inline
   */
  public static VideoChunk record(MediaChunk chunk, String streamId, long sequence,
      boolean last) {
    return VideoChunk.newBuilder()
        .setStreamId(streamId)
        .setSequence(sequence)
        .setPtsStartMicros(chunk.startUs())
        .setDurationMicros(chunk.durationUs())
        .setMediaType(chunk.container().mimeType())
        .setPayload(ByteBuffer.wrap(chunk.bytes()))
        .setEndOfStream(last)
        .setCapturedAt(Instant.now())
        .build();
  }

  private void send(MediaChunk chunk, String streamId, long sequence, boolean last,
      OutputStream copy, Progress progress) throws MediaException {
    VideoChunk record = record(chunk, streamId, sequence, last);
    try {
      if (copy != null) {
        copy.write(chunk.bytes());
      }
      producer.send(new ProducerRecord<>(topic, streamId, record)).get();
    } catch (IOException | ExecutionException e) {
      throw new MediaException(MediaException.Reason.IO, "cannot send chunk " + sequence
          + " of " + streamId + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MediaException(MediaException.Reason.IO, "ingest interrupted", e);
    }
    progress.sent(record);
  }
}
