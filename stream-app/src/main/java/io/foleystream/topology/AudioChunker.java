package io.foleystream.topology;

import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.GenerationParameters;
import io.foleystream.schemas.SampleEncoding;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.WindowTask;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The chunker: cuts a window's waveform into {@link AudioChunk}s aligned to the source chunks.
 *
 * <h2>Which part of the window is published</h2>
 * Window k publishes its <em>region</em> {@code [start, start + min(hop, duration))}, so that
 * consecutive windows tile the timeline and every instant is published exactly once; the rest of
 * an overlapping window (hop below the duration) is context for the model and is dropped, the
 * next window's audio taking over with a hard cut. The stream's last window (the one holding the
 * end-of-stream chunk and reaching past its end) publishes up to the stream's end, and nothing
 * after it: a partial last window is generated for the whole duration and cut to what the video
 * covers.
 *
 * <h2>Cuts</h2>
 * The region is cut at every source chunk boundary inside it, so an audio chunk spans exactly the
 * part of one video chunk (or of one gap) that lies in the region. Sample n of a window plays at
 * {@code start + n / rate}; the chunk {@code [a, b)} holds samples {@code ceil((a - start) *
 * rate)} up to (excluding) {@code ceil((b - start) * rate)}, so neighbouring chunks share no
 * sample and miss none; its {@code ptsStartMicros} is the time of its first sample rounded down
 * to the microsecond.
 */
final class AudioChunker {

  private final SampleEncoding encoding;

  /**
   * @param encoding the payload encoding: PCM_F32LE (exact) or PCM_S16LE
   */
  AudioChunker(SampleEncoding encoding) {
    if (encoding == SampleEncoding.FLAC) {
      throw new IllegalArgumentException("FLAC audio chunks are not supported; use PCM_F32LE or"
          + " PCM_S16LE");
    }
    this.encoding = encoding;
  }

  /** The published part of a window, {@code [startMicros, endMicros)}. */
  record Region(long startMicros, long endMicros, boolean lastOfStream) {}

  /**
   * The part of a window its audio chunks cover.
   *
   * @param task the window
   * @return the region
   */
  static Region region(WindowTask task) {
    long start = task.getWindowStartMicros();
    long end = start + Math.min(task.getHopMicros(), task.getWindowDurationMicros());
    for (VideoChunk chunk : task.getChunks()) {
      if (chunk.getEndOfStream()) {
        long streamEnd = chunk.getPtsStartMicros() + chunk.getDurationMicros();
        if (streamEnd <= end) {
          return new Region(start, streamEnd, true);
        }
      }
    }
    return new Region(start, end, false);
  }

  /**
   * Cuts a window's waveform into audio chunks.
   *
   * @param task the window
   * @param waveform mono samples from the window start
   * @param sampleRate samples per second
   * @param parameters the generation parameters to stamp on every chunk
   * @param generatedAt when generation finished
   * @return the chunks, in time order
   */
  List<AudioChunk> cut(WindowTask task, float[] waveform, int sampleRate,
      GenerationParameters parameters, Instant generatedAt) {
    Region region = region(task);
    TreeSet<Long> cuts = new TreeSet<>();
    cuts.add(region.startMicros());
    cuts.add(region.endMicros());
    for (VideoChunk chunk : task.getChunks()) {
      addInside(cuts, chunk.getPtsStartMicros(), region);
      addInside(cuts, chunk.getPtsStartMicros() + chunk.getDurationMicros(), region);
    }
    List<Long> points = new ArrayList<>(cuts);
    List<AudioChunk> out = new ArrayList<>();
    long start = task.getWindowStartMicros();
    for (int i = 0; i + 1 < points.size(); i++) {
      int from = sampleAt(points.get(i) - start, sampleRate, waveform.length);
      int to = sampleAt(points.get(i + 1) - start, sampleRate, waveform.length);
      if (to <= from) {
        continue;
      }
      out.add(AudioChunk.newBuilder()
          .setStreamId(task.getStreamId())
          .setWindowIndex(task.getWindowIndex())
          .setChunkIndex(out.size())
          .setChunkCount(0)
          .setPtsStartMicros(start + Math.floorDiv(from * 1_000_000L, sampleRate))
          .setDurationMicros((to - from) * 1_000_000L / sampleRate)
          .setSampleRate(sampleRate)
          .setChannels(1)
          .setSampleEncoding(encoding)
          .setPayload(encode(waveform, from, to))
          .setGeneration(parameters)
          .setEndOfStream(false)
          .setGeneratedAt(generatedAt)
          .build());
    }
    for (AudioChunk chunk : out) {
      chunk.setChunkCount(out.size());
    }
    if (region.lastOfStream() && !out.isEmpty()) {
      out.get(out.size() - 1).setEndOfStream(true);
    }
    return out;
  }

  private static void addInside(TreeSet<Long> cuts, long t, Region region) {
    if (t > region.startMicros() && t < region.endMicros()) {
      cuts.add(t);
    }
  }

  /** The first sample at or after {@code offsetMicros} from the window start. */
  private static int sampleAt(long offsetMicros, int sampleRate, int limit) {
    long n = -Math.floorDiv(-offsetMicros * sampleRate, 1_000_000L);
    return (int) Math.max(0, Math.min(limit, n));
  }

  private ByteBuffer encode(float[] samples, int from, int to) {
    int n = to - from;
    ByteBuffer out = ByteBuffer.allocate(n * (encoding == SampleEncoding.PCM_F32LE ? 4 : 2))
        .order(ByteOrder.LITTLE_ENDIAN);
    for (int i = from; i < to; i++) {
      if (encoding == SampleEncoding.PCM_F32LE) {
        out.putFloat(samples[i]);
      } else {
        float clipped = Math.max(-1f, Math.min(1f, samples[i]));
        out.putShort((short) Math.round(clipped * 32767f));
      }
    }
    return out.flip();
  }
}
