package io.foleystream.topology.generator;

import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.GenerationParameters;
import io.foleystream.schemas.GeneratorState;
import io.foleystream.schemas.SampleEncoding;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.WindowGrid;
import io.foleystream.schemas.WindowMode;
import io.foleystream.schemas.WindowTask;
import io.foleystream.topology.timeline.StreamTimeline;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The chunker: joins a window's audio to what the stream already published and cuts the new
 * part into {@link AudioChunk}s aligned to the source chunks.
 *
 * <h2>Which part of the window is published</h2>
 * The window's region ({@link StreamTimeline#region}): from where the stream's published audio
 * ends to the window's start plus its hop (tumbling) or its end minus the decoder margin (live),
 * or to the stream's end. Every sample of the stream is published once.
 *
 * <h2>Joins</h2>
 * Where the previous window rendered the start of this region too (overlapping windows), this
 * window begins with a crossfade from that rendering (the previous window's <em>tail</em>, kept
 * in its {@link GeneratorState}) to its own: sample i of the m faded samples is {@code tail[i]
 * cos(t) + own[i] sin(t)} with {@code t = (i + 1/2) / m * pi / 2} (equal power, for two
 * independent tumbling generations), or {@code tail[i] cos^2(t) + own[i] sin^2(t)} in live mode,
 * where both renderings decode the same latents and differ only by the decoder's edge context
 * (equal gain, so that nearly equal signals keep their level); computed with {@code StrictMath}
 * so every JVM gives the same bits. The <em>seam error</em> of a
 * join is the RMS of the two renderings' difference over the fade divided by the RMS of the
 * published signal there. Where windows do not overlap (tumbling with the hop equal to the
 * window) there is no second rendering: the seam error is the step from the previous window's last
 * sample to this window's first, over the RMS of the signal that follows, and a short de-click
 * fade ramps that step away ({@code own[i] + (last - own[0]) (m - i) / (m + 1)}); with the
 * de-click off the published samples are exactly the engine's.
 *
 * <h2>Cuts</h2>
 * The region is cut at every source chunk boundary inside it, so an audio chunk spans exactly the
 * part of one video chunk (or of one gap) that lies in the region; a chunk holds the samples from
 * the first at or after its start to the first at or after its end, so neighbouring chunks share
 * no sample and miss none; its {@code ptsStartMicros} is the time of its first sample rounded down
 * to the microsecond.
 */
public final class AudioChunker {

  /**
   * Latent frames before a window's right edge in which the zero padding past the edge still
   * moves its audio: on the tiny set two renderings of the same latents differ by 20 % of the
   * signal 50 ms before the edge, 5.6 % at 150 ms and reach the 1.5 % floor of the VAE's global
   * attention at 200 - 225 ms (docs/inference.md). A live window's crossfade tail is taken from
   * the margin before these frames, so the default margin of 10 frames leaves a 3-frame fade.
   */
  public static final int EDGE_CONTEXT_FRAMES = 7;

  private final SampleEncoding encoding;
  private final long crossfadeMicros;
  private final long declickMicros;
  private final int latentFrameSamples;

  /**
   * @param encoding the payload encoding: PCM_F32LE (exact) or PCM_S16LE
   * @param crossfadeMicros crossfade length where windows overlap, 0 for a hard cut
   * @param declickMicros de-click fade where tumbling windows meet, 0 for none
   * @param latentFrameSamples samples per latent frame of the model set
   */
  public AudioChunker(SampleEncoding encoding, long crossfadeMicros, long declickMicros,
      int latentFrameSamples) {
    if (encoding == SampleEncoding.FLAC) {
      throw new IllegalArgumentException("FLAC audio chunks are not supported; use PCM_F32LE or"
          + " PCM_S16LE");
    }
    if (crossfadeMicros < 0 || declickMicros < 0) {
      throw new IllegalArgumentException("negative crossfade or de-click: " + crossfadeMicros
          + " us, " + declickMicros + " us");
    }
    this.encoding = encoding;
    this.crossfadeMicros = crossfadeMicros;
    this.declickMicros = declickMicros;
    this.latentFrameSamples = latentFrameSamples;
  }

  /**
   * A change of a stream's generator state.
   *
   * @param state the new state, or null to delete the stream's state (its last window)
   */
  public record StateUpdate(GeneratorState state) {}

  /**
   * A window joined and cut.
   *
   * @param chunks the audio chunks, in time order
   * @param stateUpdate the stream's new state, or null when there is nothing to change
   * @param seamError the seam error of the join with the previous window, or NaN when there was
   *     no join (the stream's first window, or its predecessor's state is unknown)
   * @param timeline the window's timeline
   * @param region the part of the stream the window published
   */
  public record Cut(List<AudioChunk> chunks, StateUpdate stateUpdate, double seamError,
      StreamTimeline timeline, StreamTimeline.Region region) {}

  /**
   * The timeline a window lies on: the one its task carries, or for a task written before
   * tasks carried it, the tumbling timeline its start, index and hop imply.
   *
   * @param task the window
   * @param windowSamples samples the engine generates per window
   * @param sampleRate the engine's sample rate
   * @param latentFrameSamples samples per latent frame
   * @return the timeline
   */
  public static StreamTimeline timeline(WindowTask task, int windowSamples, int sampleRate,
      int latentFrameSamples) {
    WindowGrid grid = task.getGrid();
    if (grid == null) {
      long origin = task.getWindowStartMicros() - task.getWindowIndex() * task.getHopMicros();
      return new StreamTimeline(WindowMode.TUMBLING, origin, sampleRate, windowSamples,
          latentFrameSamples, 0);
    }
    return new StreamTimeline(grid.getMode(), grid.getOriginMicros(), grid.getSampleRate(),
        windowSamples, latentFrameSamples, Math.min(grid.getMarginSamples(),
            windowSamples - latentFrameSamples));
  }

  /**
   * The window's first sample on its timeline.
   *
   * @param task the window
   * @param timeline its timeline
   * @return samples from the origin
   */
  public static long offsetSamples(WindowTask task, StreamTimeline timeline) {
    return task.getGrid() != null ? task.getGrid().getOffsetSamples()
        : timeline.sampleAtOrAfter(task.getWindowStartMicros());
  }

  private static long hopSamples(WindowTask task, StreamTimeline timeline) {
    return task.getGrid() != null ? task.getGrid().getHopSamples()
        : timeline.hopSamples(task.getHopMicros());
  }

  /**
   * Whether a stream's state is the one the window follows: left by the window just before it,
   * on the same timeline, ending inside this window. While a live stream ramps up, both windows
   * start at the origin.
   *
   * @param task the window
   * @param timeline its timeline
   * @param state the stream's latest state, or null
   * @return true if the window joins to it
   */
  public static boolean follows(WindowTask task, StreamTimeline timeline, GeneratorState state) {
    if (state == null || state.getWindowIndex() != task.getWindowIndex() - 1
        || state.getOriginMicros() != timeline.originMicros()
        || state.getSampleRate() != timeline.sampleRate()) {
      return false;
    }
    long offset = offsetSamples(task, timeline);
    return state.getPublishedEndSamples() >= offset
        && state.getPublishedEndSamples() < offset + timeline.windowSamples()
        && state.getWindowOffsetSamples() <= offset;
  }

  /**
   * Joins a window's waveform to the stream's published audio and cuts it into audio chunks.
   *
   * @param task the window
   * @param waveform mono samples from the window start
   * @param latent the window's final latent (kept in live mode), or null
   * @param sampleRate samples per second
   * @param parameters the generation parameters to stamp on every chunk
   * @param generatedAt when generation finished
   * @param previous the stream's latest state, or null
   * @return the chunks, the stream's new state and the seam error
   */
  public Cut cut(WindowTask task, float[] waveform, float[] latent, int sampleRate,
      GenerationParameters parameters, Instant generatedAt, GeneratorState previous) {
    StreamTimeline timeline = timeline(task, waveform.length, sampleRate, latentFrameSamples);
    long offset = offsetSamples(task, timeline);
    boolean joins = follows(task, timeline, previous);
    StreamTimeline.Region region = region(task, timeline, offset, previous);
    int from = (int) (region.startSamples() - offset);
    int to = (int) (region.endSamples() - offset);
    float[] published = java.util.Arrays.copyOfRange(waveform, from, to);
    double seam = Double.NaN;
    if (joins && published.length > 0) {
      float[] tail = floats(previous.getTail());
      seam = tail.length > 0
          ? crossfade(tail, published, timeline.mode() == WindowMode.LIVE)
          : declick(previous.getLastSample(), published, sampleRate);
    }
    List<AudioChunk> out = chunks(task, timeline, region, published, sampleRate, parameters,
        generatedAt);
    return new Cut(out, stateUpdate(task, timeline, offset, region, waveform, published, latent),
        seam, timeline, region);
  }

  /**
   * Where a window's published region starts, in samples from the window's start: the first
   * sample of its audio that {@link #cut} reads (the crossfade tail and the state it keeps lie
   * after it), so the engine need not render the samples before it.
   *
   * @param task the window
   * @param windowSamples samples in the window
   * @param sampleRate samples per second
   * @param previous the stream's latest state, or null
   * @return the first sample the cut reads
   */
  public int publishedFrom(WindowTask task, int windowSamples, int sampleRate,
      GeneratorState previous) {
    StreamTimeline timeline = timeline(task, windowSamples, sampleRate, latentFrameSamples);
    long offset = offsetSamples(task, timeline);
    // The region starts at the window's first sample or at a published end inside the window.
    return (int) (region(task, timeline, offset, previous).startSamples() - offset);
  }

  private static StreamTimeline.Region region(WindowTask task, StreamTimeline timeline,
      long offset, GeneratorState previous) {
    return timeline.region(offset, hopSamples(task, timeline),
        follows(task, timeline, previous) ? previous.getPublishedEndSamples() : null,
        streamEnd(task));
  }

  private static Long streamEnd(WindowTask task) {
    for (VideoChunk chunk : task.getChunks()) {
      if (chunk.getEndOfStream()) {
        return chunk.getPtsStartMicros() + chunk.getDurationMicros();
      }
    }
    return null;
  }

  /**
   * Fades from the tail into the published samples in place; returns the seam error. Two
   * renderings of the same latents are nearly the same signal, so they are faded with gains that
   * sum to one ({@code cos^2}, {@code sin^2}); independent generations with gains whose squares
   * sum to one (equal power).
   */
  private static double crossfade(float[] tail, float[] published, boolean sameLatents) {
    int m = Math.min(tail.length, published.length);
    double diff = 0;
    double signal = 0;
    for (int i = 0; i < m; i++) {
      double t = (i + 0.5) / m * (Math.PI / 2);
      double from = StrictMath.cos(t);
      double to = StrictMath.sin(t);
      if (sameLatents) {
        from *= from;
        to *= to;
      }
      float own = published[i];
      published[i] = (float) (tail[i] * from + own * to);
      diff += (tail[i] - own) * (double) (tail[i] - own);
      signal += published[i] * (double) published[i];
    }
    return ratio(diff, signal);
  }

  /**
   * Measures the step where tumbling windows meet and, with the de-click on, ramps it away over
   * the fade's first samples; returns the step over the RMS of what follows it.
   */
  private double declick(Float last, float[] published, int sampleRate) {
    if (last == null) {
      return Double.NaN;
    }
    float step = last - published[0];
    int window = (int) Math.min(published.length,
        Math.max(1, crossfadeMicros * sampleRate / 1_000_000L));
    double signal = 0;
    for (int i = 0; i < window; i++) {
      signal += published[i] * (double) published[i];
    }
    double error = ratio(step * (double) step * window, signal);
    int m = (int) Math.min(published.length, declickMicros * sampleRate / 1_000_000L);
    for (int i = 0; i < m; i++) {
      published[i] = published[i] + step * (m - i) / (m + 1);
    }
    return error;
  }

  private static double ratio(double squaredDiff, double squaredSignal) {
    if (squaredDiff == 0) {
      return 0;
    }
    return squaredSignal == 0 ? Double.POSITIVE_INFINITY : Math.sqrt(squaredDiff / squaredSignal);
  }

  private List<AudioChunk> chunks(WindowTask task, StreamTimeline timeline,
      StreamTimeline.Region region, float[] published, int sampleRate,
      GenerationParameters parameters, Instant generatedAt) {
    TreeSet<Long> cuts = new TreeSet<>();
    cuts.add(region.startSamples());
    cuts.add(region.endSamples());
    for (VideoChunk chunk : task.getChunks()) {
      cuts.add(clamp(timeline.sampleAtOrAfter(chunk.getPtsStartMicros()), region));
      cuts.add(clamp(timeline.sampleAtOrAfter(chunk.getPtsStartMicros()
          + chunk.getDurationMicros()), region));
    }
    List<Long> points = new ArrayList<>(cuts);
    List<AudioChunk> out = new ArrayList<>();
    // The cuts are distinct and in order: every pair of neighbours holds samples.
    for (int i = 0; i + 1 < points.size(); i++) {
      int from = (int) (points.get(i) - region.startSamples());
      int to = (int) (points.get(i + 1) - region.startSamples());
      out.add(chunk(task, out.size(), timeline.micros(points.get(i)), published, from, to,
          sampleRate, parameters, generatedAt));
    }
    for (AudioChunk chunk : out) {
      chunk.setChunkCount(out.size());
    }
    if (region.lastOfStream() && !out.isEmpty()) {
      out.get(out.size() - 1).setEndOfStream(true);
    }
    return out;
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

  /**
   * The stream's state after this window: where its published audio ends, its own rendering of
   * the next {@code min(crossfade, what it rendered past its region)} samples (in live mode only
   * the part of the margin before the decoder's edge context), its last
   * published sample, and in live mode its latent. The last window deletes the state; a tumbling window
   * that neither overlaps the next nor de-clicks changes nothing, as no later window would read
   * it.
   */
  private StateUpdate stateUpdate(WindowTask task, StreamTimeline timeline, long offset,
      StreamTimeline.Region region, float[] waveform, float[] published, float[] latent) {
    if (region.lastOfStream()) {
      return new StateUpdate(null);
    }
    boolean live = timeline.mode() == WindowMode.LIVE;
    int end = (int) (region.endSamples() - offset);
    long fade = crossfadeMicros * timeline.sampleRate() / 1_000_000L;
    if (live) {
      fade = Math.min(fade, Math.max(0, timeline.marginSamples()
          - (long) EDGE_CONTEXT_FRAMES * latentFrameSamples));
    }
    int tail = (int) Math.max(0, Math.min(fade, waveform.length - end));
    if (!live && tail == 0 && declickMicros == 0) {
      return null;
    }
    GeneratorState.Builder state = GeneratorState.newBuilder()
        .setStreamId(task.getStreamId())
        .setWindowIndex(task.getWindowIndex())
        .setMode(timeline.mode())
        .setOriginMicros(timeline.originMicros())
        .setSampleRate(timeline.sampleRate())
        .setWindowOffsetSamples(offset)
        .setPublishedEndSamples(region.endSamples())
        .setTail(encodeFloats(waveform, end, end + tail))
        .setLastSample(published.length == 0 ? null : published[published.length - 1])
        .setLatentFrames(0)
        .setLatent(ByteBuffer.allocate(0));
    if (live && latent != null) {
      state.setLatentFrames((int) (timeline.windowSamples() / latentFrameSamples));
      state.setLatent(encodeFloats(latent, 0, latent.length));
    }
    return new StateUpdate(state.build());
  }

  /**
   * The floats of a little-endian float32 payload.
   *
   * @param bytes the payload
   * @return the samples
   */
  public static float[] floats(ByteBuffer bytes) {
    ByteBuffer b = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[b.remaining() / 4];
    b.asFloatBuffer().get(out);
    return out;
  }

  /**
   * A chunk boundary as a cut of the region: one outside it becomes the region's own start or
   * end, which the cuts hold already.
   */
  private static long clamp(long sample, StreamTimeline.Region region) {
    return Math.max(region.startSamples(), Math.min(region.endSamples(), sample));
  }

  private static ByteBuffer encodeFloats(float[] samples, int from, int to) {
    ByteBuffer out = ByteBuffer.allocate((to - from) * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = from; i < to; i++) {
      out.putFloat(samples[i]);
    }
    // The whole buffer, filled exactly: its size is the payload's.
    return out.rewind();
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
    return out.rewind();
  }
}
