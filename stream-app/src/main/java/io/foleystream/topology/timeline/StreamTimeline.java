package io.foleystream.topology.timeline;

import io.foleystream.schemas.WindowMode;

/**
 * The window arithmetic of one stream, in one place: where windows start, which part of a window
 * is published, and the conversions between microseconds (the video's PTS), audio samples and
 * latent frames.
 *
 * <p>The stream's audio is one sample grid: sample s (counted from the origin) plays at {@code
 * originMicros + s / sampleRate} seconds. Window starts are sample counts on that grid, so no
 * rounding accumulates however long the stream runs; a PTS is derived from a sample count by
 * rounding down to the microsecond, a sample from a PTS by taking the first sample at or after it.
 * With the default tumbling hop (the window length) every window start is a whole number of
 * microseconds too, and these rules give exactly the cuts of the official one-window path.
 *
 * <h2>Hops</h2>
 * In {@link WindowMode#LIVE} the hop is a whole number of latent frames (512 samples at 16 kHz,
 * 1024 at 44.1 kHz), because the next window continues the previous one's latent shifted by the
 * hop; where a few latent frames make a whole number of Synchformer segment steps (10 frames,
 * 320 ms, at 16 kHz) it is a multiple of those, so that each segment is encoded once ({@link
 * #hopUnitFrames}); and it is at most the window minus the margin, so that consecutive published
 * regions meet. In {@link WindowMode#TUMBLING} it is a whole number of samples, at most the
 * window.
 *
 * <h2>Ramp-up</h2>
 * A LIVE stream may start with shorter windows so that its first audio does not wait for a whole
 * window of video. Every window has a <em>grid offset</em> g: the start it would have at full
 * length. It covers {@code [max(0, g), g + window)}, so its end is {@code g + window} and
 * consecutive ends are one hop apart. A ramping stream's first window has {@code g < 0} ({@link
 * #firstGridOffsetSamples}): the windows before the first full one all start at the origin and
 * grow by one hop each, then the usual windows of full length follow, on the same grid.
 *
 * <h2>Published regions</h2>
 * A window publishes from where the stream's published audio ends (the previous window's region
 * end; its own start when it is the first or its predecessor's state is unknown) to:
 * <ul>
 *   <li>TUMBLING: its start plus its hop (the window length at most);
 *   <li>LIVE: its end minus the margin, the part where the decoder still sees zero padding and
 *       which the next window renders with real context;
 *   <li>either mode: the stream's end, when that comes first.
 * </ul>
 *
 * @param mode how the windows become one signal
 * @param originMicros PTS of sample 0
 * @param sampleRate samples per second
 * @param windowSamples samples in a window
 * @param latentFrameSamples samples per latent frame
 * @param marginSamples LIVE: samples at a window's end left to the next window (0 in TUMBLING)
 */
public record StreamTimeline(WindowMode mode, long originMicros, int sampleRate,
    long windowSamples, int latentFrameSamples, long marginSamples) {

  private static final long MICROS = 1_000_000L;
  /** The Synchformer's segment step: 8 frames at 25 fps. */
  private static final long SEGMENT_STEP_FRAMES = 8;
  /** The Synchformer's segment: 16 frames at 25 fps, the shortest window the model takes. */
  private static final long SEGMENT_FRAMES = 16;
  private static final long SYNC_FPS = 25;

  /**
   * Checks the values.
   *
   * @throws IllegalArgumentException if a length is not positive, the window is not a whole
   *     number of latent frames, or the margin leaves no room for a hop
   */
  public StreamTimeline {
    if (sampleRate <= 0 || windowSamples <= 0 || latentFrameSamples <= 0) {
      throw new IllegalArgumentException("sample rate, window and latent frame must be positive:"
          + " " + sampleRate + " Hz, " + windowSamples + " and " + latentFrameSamples
          + " samples");
    }
    if (marginSamples < 0 || marginSamples > windowSamples - latentFrameSamples) {
      throw new IllegalArgumentException("the margin must leave at least one latent frame of "
          + "the window to publish: " + marginSamples + " of " + windowSamples + " samples");
    }
    if (mode == WindowMode.TUMBLING) {
      marginSamples = 0;
    }
  }

  /**
   * Samples in a duration, rounded to the nearest sample.
   *
   * @param micros the duration
   * @param sampleRate samples per second
   * @return the samples
   */
  public static long samplesIn(long micros, int sampleRate) {
    return Math.floorDiv(Math.multiplyExact(micros, sampleRate) + MICROS / 2, MICROS);
  }

  /**
   * The hop of a stream as this timeline takes it: in LIVE mode rounded to the nearest whole
   * number of latent frames, between one frame and the window minus the margin; in TUMBLING
   * mode rounded to the nearest sample, between one sample and the window.
   *
   * @param hopMicros the hop asked for
   * @return the hop in samples
   */
  public long hopSamples(long hopMicros) {
    long samples = samplesIn(hopMicros, sampleRate);
    if (mode == WindowMode.LIVE) {
      long unit = (long) hopUnitFrames() * latentFrameSamples;
      long units = Math.floorDiv(samples + unit / 2, unit);
      long maxUnits = (windowSamples - marginSamples) / unit;
      return Math.max(1, Math.min(maxUnits, units)) * unit;
    }
    return Math.max(1, Math.min(windowSamples, samples));
  }

  /**
   * The latent frames a LIVE hop is a multiple of: the fewest in which the Synchformer's segment
   * step (8 frames at 25 fps, 320 ms) fits a whole number of times, so that consecutive windows'
   * segments coincide and each is encoded once (10 frames at 16 kHz); 1 where that would take
   * more than a quarter of the window (44.1 kHz: 441 frames).
   *
   * @return latent frames
   */
  public int hopUnitFrames() {
    long frameTicks = (long) latentFrameSamples * SYNC_FPS;
    long stepTicks = SEGMENT_STEP_FRAMES * sampleRate;
    long unit = stepTicks / gcd(frameTicks, stepTicks);
    return unit * latentFrameSamples * 4 <= windowSamples ? (int) unit : 1;
  }

  private static long gcd(long a, long b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  /**
   * The grid offset of a stream's first window (see Ramp-up): 0 without a ramp (TUMBLING, or
   * LIVE with the ramp off); else minus what the first window lacks of a full one, its length
   * being {@link #firstWindowSamples}.
   *
   * @param hopSamples the stream's hop, as {@link #hopSamples} gives it
   * @param rampUp whether a LIVE stream starts with shorter windows
   * @return samples, at most 0
   */
  public long firstGridOffsetSamples(long hopSamples, boolean rampUp) {
    if (mode != WindowMode.LIVE || !rampUp) {
      return 0;
    }
    return Math.min(0, firstWindowSamples(hopSamples) - windowSamples);
  }

  /**
   * The length of a ramping stream's first window: the shortest that
   * <ul>
   *   <li>is at least one hop: every later window waits for a hop of new video anyway, so a
   *       shorter first window would gain less than a hop, once, and give the model (trained on
   *       8 s windows) less to go on;
   *   <li>holds one Synchformer segment (16 frames at 25 fps, 0.64 s), the shortest window the
   *       model takes, and publishes at least a latent frame past the margin;
   *   <li>differs from the full window by a whole number of {@link #hopUnitFrames} units, so
   *       that every window start on the grid is a whole number of latent frames (the first full
   *       window continues the ramp's latent shifted by its start) and, at 16 kHz, on the
   *       Synchformer's segment step (its segments are those the ramp encoded).
   * </ul>
   * The full window when no shorter one qualifies.
   *
   * @param hopSamples the stream's hop
   * @return samples
   */
  public long firstWindowSamples(long hopSamples) {
    long unit = (long) hopUnitFrames() * latentFrameSamples;
    long segment = -Math.floorDiv(-SEGMENT_FRAMES * sampleRate, SYNC_FPS);
    long least = Math.max(hopSamples, Math.max(segment, marginSamples + latentFrameSamples));
    if (least >= windowSamples) {
      return windowSamples;
    }
    return windowSamples - (windowSamples - least) / unit * unit;
  }

  /**
   * The samples a window covers.
   *
   * @param startSamples its first sample, counted from the origin
   * @param endSamples the first sample after it
   */
  public record Window(long startSamples, long endSamples) {

    /**
     * Samples in the window.
     *
     * @return end minus start
     */
    public long length() {
      return endSamples - startSamples;
    }
  }

  /**
   * The window at a grid offset: {@code [max(0, g), g + window)}.
   *
   * @param gridOffsetSamples the window's grid offset (its start when it has full length)
   * @return its span
   */
  public Window window(long gridOffsetSamples) {
    return new Window(Math.max(0, gridOffsetSamples),
        Math.addExact(gridOffsetSamples, windowSamples));
  }

  /**
   * The PTS at which a sample plays, rounded down to the microsecond.
   *
   * @param offsetSamples the sample, counted from the origin
   * @return microseconds
   */
  public long micros(long offsetSamples) {
    return Math.addExact(originMicros,
        Math.floorDiv(Math.multiplyExact(offsetSamples, MICROS), sampleRate));
  }

  /**
   * The first sample that plays at or after a PTS.
   *
   * @param ptsMicros the PTS
   * @return the sample, counted from the origin
   */
  public long sampleAtOrAfter(long ptsMicros) {
    long offset = Math.subtractExact(ptsMicros, originMicros);
    return -Math.floorDiv(-Math.multiplyExact(offset, sampleRate), MICROS);
  }

  /**
   * The part of the stream's timeline a window publishes.
   *
   * @param startSamples the first sample published
   * @param endSamples the first sample not published
   * @param lastOfStream whether the region ends the stream
   */
  public record Region(long startSamples, long endSamples, boolean lastOfStream) {

    /**
     * Samples in the region.
     *
     * @return end minus start, never negative
     */
    public long length() {
      return Math.max(0, endSamples - startSamples);
    }
  }

  /**
   * The region a window publishes.
   *
   * @param offsetSamples the window's first sample
   * @param hopSamples the window's hop (to the next window's start)
   * @param publishedEndSamples where the stream's published audio ends, or null when unknown
   * @param streamEndMicros the stream's end PTS if it ends inside the window, else null
   * @return the region
   */
  public Region region(long offsetSamples, long hopSamples, Long publishedEndSamples,
      Long streamEndMicros) {
    long start = publishedEndSamples != null && publishedEndSamples >= offsetSamples
        && publishedEndSamples < offsetSamples + windowSamples ? publishedEndSamples
        : offsetSamples;
    long end = mode == WindowMode.LIVE ? offsetSamples + windowSamples - marginSamples
        : offsetSamples + Math.min(hopSamples, windowSamples);
    if (streamEndMicros != null) {
      long streamEnd = sampleAtOrAfter(streamEndMicros);
      if (streamEnd <= end) {
        return new Region(start, Math.max(start, streamEnd), true);
      }
    }
    return new Region(start, Math.max(start, end), false);
  }

  /**
   * Latent frames in a number of samples.
   *
   * @param samples a whole number of latent frames
   * @return the frames
   * @throws IllegalArgumentException if the samples are not whole frames
   */
  public int latentFrames(long samples) {
    if (samples % latentFrameSamples != 0) {
      throw new IllegalArgumentException(samples + " samples are not whole latent frames of "
          + latentFrameSamples);
    }
    return Math.toIntExact(samples / latentFrameSamples);
  }
}
