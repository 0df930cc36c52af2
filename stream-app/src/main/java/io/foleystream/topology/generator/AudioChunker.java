package io.foleystream.topology.generator;

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
 * next window's audio taking over. The stream's last window (the one holding the
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
 *
 * <h2>Crossfade</h2>
 * Where windows overlap, window k also generated the first {@code c} of window k+1's region
 * ({@code c} the crossfade length, at most the overlap). That part, the window's <em>tail</em>, is
 * kept (see {@link WindowTails}), and window k+1 begins its region with an equal-power crossfade
 * from the tail to its own audio: sample i of the m faded samples is {@code tail[i] cos(t) +
 * own[i] sin(t)} with {@code t = (i + 1/2) / m * pi / 2}, computed with {@code StrictMath} so
 * every JVM gives the same bits. The first window of a stream, and a window whose predecessor's
 * tail is not the one just before it, start with a hard cut.
 */
public final class AudioChunker {

  private final SampleEncoding encoding;
  private final long crossfadeMicros;

  /**
   * @param encoding the payload encoding: PCM_F32LE (exact) or PCM_S16LE
   * @param crossfadeMicros crossfade length where windows overlap, 0 for a hard cut
   */
  public AudioChunker(SampleEncoding encoding, long crossfadeMicros) {
    if (encoding == SampleEncoding.FLAC) {
      throw new IllegalArgumentException("FLAC audio chunks are not supported; use PCM_F32LE or"
          + " PCM_S16LE");
    }
    if (crossfadeMicros < 0) {
      throw new IllegalArgumentException("negative crossfade: " + crossfadeMicros + " us");
    }
    this.encoding = encoding;
    this.crossfadeMicros = crossfadeMicros;
  }

  /**
   * A change of a stream's tail.
   *
   * @param tail the new tail, or null to delete the stream's tail (its last window)
   */
  public record TailUpdate(AudioChunk tail) {}

  /**
   * A window cut into chunks.
   *
   * @param chunks the audio chunks, in time order
   * @param tailUpdate the stream's new tail, or null when there is nothing to change
   */
  public record Cut(List<AudioChunk> chunks, TailUpdate tailUpdate) {}

  /** The published part of a window, {@code [startMicros, endMicros)}. */
  public record Region(long startMicros, long endMicros, boolean lastOfStream) {}

  /**
   * The part of a window its audio chunks cover.
   *
   * @param task the window
   * @return the region
   */
  public static Region region(WindowTask task) {
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
   * Cuts a window's waveform into audio chunks, crossfading with the previous window's tail.
   *
   * @param task the window
   * @param waveform mono samples from the window start
   * @param sampleRate samples per second
   * @param parameters the generation parameters to stamp on every chunk
   * @param generatedAt when generation finished
   * @param previousTail the stream's latest tail, or null
   * @return the chunks and the stream's new tail
   */
  public Cut cut(WindowTask task, float[] waveform, int sampleRate, GenerationParameters parameters,
      Instant generatedAt, AudioChunk previousTail) {
    Region region = region(task);
    float[] samples = crossfaded(task, waveform, previousTail);
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
      int from = sampleAt(points.get(i) - start, sampleRate, samples.length);
      int to = sampleAt(points.get(i + 1) - start, sampleRate, samples.length);
      if (to <= from) {
        continue;
      }
      out.add(chunk(task, out.size(), start + Math.floorDiv(from * 1_000_000L, sampleRate),
          samples, from, to, sampleRate, parameters, generatedAt));
    }
    for (AudioChunk chunk : out) {
      chunk.setChunkCount(out.size());
    }
    if (region.lastOfStream() && !out.isEmpty()) {
      out.get(out.size() - 1).setEndOfStream(true);
    }
    return new Cut(out, tailUpdate(task, region, waveform, sampleRate, parameters,
        generatedAt));
  }

  private AudioChunk chunk(WindowTask task, int index, long ptsMicros, float[] samples, int from,
      int to, int sampleRate, GenerationParameters parameters, Instant generatedAt) {
    return AudioChunk.newBuilder()
        .setStreamId(task.getStreamId())
        .setWindowIndex(task.getWindowIndex())
        .setChunkIndex(index)
        .setChunkCount(1)
        .setPtsStartMicros(ptsMicros)
        .setDurationMicros((to - from) * 1_000_000L / sampleRate)
        .setSampleRate(sampleRate)
        .setChannels(1)
        .setSampleEncoding(encoding)
        .setPayload(encode(samples, from, to))
        .setGeneration(parameters)
        .setEndOfStream(false)
        .setGeneratedAt(generatedAt)
        .build();
  }

  /** The waveform with the previous window's tail faded into its start, when there is one. */
  private static float[] crossfaded(WindowTask task, float[] waveform, AudioChunk tail) {
    if (tail == null || tail.getWindowIndex() != task.getWindowIndex() - 1
        || tail.getPtsStartMicros() != task.getWindowStartMicros()) {
      return waveform;
    }
    ByteBuffer bytes = tail.getPayload().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    float[] previous = new float[bytes.remaining() / 4];
    bytes.asFloatBuffer().get(previous);
    int m = Math.min(previous.length, waveform.length);
    float[] out = waveform.clone();
    for (int i = 0; i < m; i++) {
      double t = (i + 0.5) / m * (Math.PI / 2);
      out[i] = (float) (previous[i] * StrictMath.cos(t) + waveform[i] * StrictMath.sin(t));
    }
    return out;
  }

  /**
   * The window's tail: the first {@code min(crossfade, overlap)} of the next window's region, as
   * this window generated it (float samples, exact). The last window deletes the stream's tail;
   * a window that does not overlap the next changes nothing.
   */
  private TailUpdate tailUpdate(WindowTask task, Region region, float[] waveform, int sampleRate,
      GenerationParameters parameters, Instant generatedAt) {
    if (region.lastOfStream()) {
      return new TailUpdate(null);
    }
    long hop = task.getHopMicros();
    long length = Math.min(crossfadeMicros, task.getWindowDurationMicros() - hop);
    if (length <= 0) {
      return null;
    }
    int from = sampleAt(hop, sampleRate, waveform.length);
    int to = sampleAt(hop + length, sampleRate, waveform.length);
    if (to <= from) {
      return null;
    }
    AudioChunk tail = chunk(task, 0, task.getWindowStartMicros() + hop, waveform, from, to,
        sampleRate, parameters, generatedAt);
    tail.setSampleEncoding(SampleEncoding.PCM_F32LE);
    tail.setPayload(encodeFloats(waveform, from, to));
    return new TailUpdate(tail);
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

  private static ByteBuffer encodeFloats(float[] samples, int from, int to) {
    ByteBuffer out = ByteBuffer.allocate((to - from) * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = from; i < to; i++) {
      out.putFloat(samples[i]);
    }
    return out.flip();
  }

  private ByteBuffer encode(float[] samples, int from, int to) {
    if (encoding == SampleEncoding.PCM_F32LE) {
      return encodeFloats(samples, from, to);
    }
    ByteBuffer out = ByteBuffer.allocate((to - from) * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = from; i < to; i++) {
      float clipped = Math.max(-1f, Math.min(1f, samples[i]));
      out.putShort((short) Math.round(clipped * 32767f));
    }
    return out.flip();
  }
}
