package io.foleystream.media;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;

/**
 * Builds the model's video input for one window: decodes the window's chunks, samples them on the
 * 8 fps (CLIP) and 25 fps (Synchformer) grids, and preprocesses each sampled frame as it comes
 * out of the decoder.
 *
 * <h2>Frame rule</h2>
 * Grid point {@code i} of rate {@code f} is at {@code g_i} (see {@link SamplingGrid}); it uses
 * the first decoded frame whose time is at or after {@code g_i} and at most the window end
 * {@code W + D}. With {@link GridRule#EXACT} (the default) {@code g_i = W + i / f} exactly, as
 * FFmpeg's {@code fps} filter; with {@link GridRule#OFFICIAL} the grid times are those of the
 * official inference sampler's float64 accumulator, which runs a few ulps high, so a frame lying
 * exactly on a grid time (every frame of a 25 fps source) is often judged too early and the next
 * frame is used, as the official scripts do.
 *
 * <h2>Colour</h2>
 * Frames are converted to RGB as {@link DecoderSettings#colour()} says; with {@link
 * ColourConversion#OFFICIAL} only the frames a grid point needs are converted, row by row as the
 * resize reads them and only in the columns it reads (a frame only the Synchformer grid needs
 * only inside its centre crop), so no whole frame is ever held in RGB.
 *
 * <h2>Memory</h2>
 * No decoded frame is kept: each frame is offered to both samplers while the decoder holds it, the
 * grid points it serves are preprocessed straight into the output tensors, and the frame is
 * released. Peak memory is the two output tensors (about 113 MB and 120 MB for 8 s) plus a few
 * decoded frames.
 *
 * <h2>Chunks and ends</h2>
 * Chunks are decoded in stream order; one that ends before the window starts or starts after it
 * ends is skipped, and decoding stops once both grids are served. Grid points after the last
 * usable frame stay uncovered and are reported as such in {@link SampledFrames} (covered count,
 * {@link SampledFrames#NO_FRAME}); nothing is invented silently. A frame exactly at the window
 * end may serve the last points, as in the reference; for sources slower than 25 fps that frame
 * usually opens the next window's first chunk, so include that chunk to reproduce the reference
 * at window ends.
 *
 * <p>Not thread-safe: use one extractor per thread. Close it to free the native pipeline.
 */
public final class WindowFrameExtractor implements AutoCloseable {

  /** CLIP sampling rate, frames per second. */
  public static final int CLIP_FPS = 8;
  /** Synchformer sampling rate, frames per second. */
  public static final int SYNC_FPS = 25;

  private final DecoderSettings settings;
  private final ChunkDecoder decoder;
  private final FramePreprocessor clipPreprocessor = FramePreprocessor.clip();
  private final FramePreprocessor syncPreprocessor = FramePreprocessor.synchformer();
  /** Converts the rows of the frame at hand that the preprocessors read. */
  private final I420Rows i420Rows = new I420Rows();
  private long chunksDecoded;
  private long chunksReplayed;

  /**
   * Creates an extractor with its own chunk decoder.
   *
   * @param settings decoding limits and tolerances
   */
  public WindowFrameExtractor(DecoderSettings settings) {
    this.settings = settings;
    this.decoder = new ChunkDecoder(settings);
  }

  /**
   * Samples and preprocesses window {@code [windowStartUs, windowStartUs + durationUs]} from its
   * chunks.
   *
   * @param chunks the chunks that cover the window, in any order
   * @param windowStartUs window start on the stream timeline, microseconds
   * @param durationUs window duration, microseconds (8 000 000 for the released models)
   * @return both branches' input with the source frame of every grid point
   * @throws MediaException if a chunk cannot be decoded; its message names the chunk
   */
  public WindowFrames extract(List<MediaChunk> chunks, long windowStartUs, long durationUs)
      throws MediaException {
    WindowSink sink = new WindowSink(windowStartUs, windowStartUs, durationUs, null);
    for (MediaChunk chunk : inWindow(chunks, windowStartUs, durationUs)) {
      if (sink.done()) {
        break;
      }
      chunksDecoded++;
      decoder.decode(chunk, sink);
    }
    return sink.finish();
  }

  /**
   * Samples a window of a stream whose overlapping windows came before: the live path. Its CLIP
   * grid may be anchored elsewhere than at the window start (on the stream's 8 fps grid, so that
   * each source frame is encoded once); the frames whose features the caller already has are not
   * preprocessed, and a chunk whose frames are all such frames is not even decoded: the frame
   * times remembered from its earlier decode say which source frame each grid point takes. A
   * point served without pixels has its source PTS recorded as usual and its data row left as
   * it is (the caller does not read it). Chunks decoded to their end are remembered in {@code
   * times} for the next window.
   *
   * <p>The result is the same as decoding every chunk, for every row the caller reads: the plan
   * is checked against the frames actually taken, and should they differ (a chunk whose frames
   * decode differently than before) the window is decoded whole.
   *
   * @param chunks the chunks that cover the window, in any order
   * @param windowStartUs window start (and start of the Synchformer grid), microseconds
   * @param clipGridStartUs start of the CLIP grid, within half a CLIP frame of the window start
   * @param durationUs window duration, microseconds
   * @param known the features the caller has
   * @param times the stream's remembered chunk frame times, read and updated
   * @return both branches' input with the source frame of every grid point
   * @throws MediaException if a chunk cannot be decoded; its message names the chunk
   */
  public WindowFrames extract(List<MediaChunk> chunks, long windowStartUs, long clipGridStartUs,
      long durationUs, KnownFrames known, ChunkFrameTimes times) throws MediaException {
    long firstUs = Math.min(windowStartUs, clipGridStartUs);
    List<MediaChunk> ordered = inWindow(chunks, firstUs, windowStartUs + durationUs - firstUs);
    boolean[] decode = plan(ordered, windowStartUs, clipGridStartUs, durationUs, known, times);
    WindowSink sink = new WindowSink(windowStartUs, clipGridStartUs, durationUs, known);
    run(ordered, decode, sink, times);
    if (sink.readsUnpreparedRow(known)) {
      sink = new WindowSink(windowStartUs, clipGridStartUs, durationUs, known);
      boolean[] all = new boolean[ordered.size()];
      Arrays.fill(all, true);
      run(ordered, all, sink, times);
    }
    return sink.finish();
  }

  /** The chunks that overlap {@code [fromUs, fromUs + durationUs]}, in stream order. */
  private static List<MediaChunk> inWindow(List<MediaChunk> chunks, long fromUs,
      long durationUs) {
    List<MediaChunk> ordered = new ArrayList<>();
    for (MediaChunk chunk : chunks) {
      if (chunk.endUs() > fromUs && chunk.startUs() <= fromUs + durationUs) {
        ordered.add(chunk);
      }
    }
    ordered.sort(Comparator.comparingLong(MediaChunk::startUs));
    return ordered;
  }

  /**
   * Which chunks must be decoded: those not remembered in full (and every one after the first of
   * them, whose frames' order the plan cannot know; the frames remembered of a chunk decoded in
   * part still tell which frames the points before them take), and those holding a frame that a
   * point needing pixels takes (the last covered Synchformer frame too when it must pad points
   * no frame serves).
   */
  private boolean[] plan(List<MediaChunk> ordered, long windowStartUs, long clipGridStartUs,
      long durationUs, KnownFrames known, ChunkFrameTimes times) {
    boolean[] decode = new boolean[ordered.size()];
    WindowSink replay = new WindowSink(windowStartUs, clipGridStartUs, durationUs, known);
    int c = 0;
    for (; c < ordered.size() && !replay.done(); c++) {
      ChunkFrameTimes.Remembered remembered = times.of(ordered.get(c));
      if (remembered != null) {
        replay.replay(c, remembered.framePtsUs());
      }
      if (remembered == null || !remembered.complete()) {
        Arrays.fill(decode, c, ordered.size(), true);
        break;
      }
    }
    boolean allReplayed = c == ordered.size() || replay.done();
    boolean[] syncNeeded = known.syncFramesNeeded(replay.sync.sourcePtsUs());
    for (int i = 0; i < replay.sync.covered(); i++) {
      if (syncNeeded[i]) {
        decode[replay.syncChunk[i]] = true;
      }
    }
    long[] clipPts = replay.clip.sourcePtsUs();
    for (int i = 0; i < replay.clip.covered(); i++) {
      if (!known.clipFrameKnown(clipPts[i])) {
        decode[replay.clipChunk[i]] = true;
      }
    }
    int covered = replay.sync.covered();
    if (allReplayed && covered > 0 && covered < replay.sync.count()) {
      decode[replay.syncChunk[covered - 1]] = true;
    }
    return decode;
  }

  /** Decodes the chunks marked so, replays the others from their remembered frame times. */
  private void run(List<MediaChunk> ordered, boolean[] decode, WindowSink sink,
      ChunkFrameTimes times) throws MediaException {
    for (int c = 0; c < ordered.size() && !sink.done(); c++) {
      MediaChunk chunk = ordered.get(c);
      if (!decode[c]) {
        chunksReplayed++;
        sink.replay(c, times.of(chunk).framePtsUs());
        continue;
      }
      sink.chunk = c;
      FrameTimeRecorder recorder = new FrameTimeRecorder(sink);
      chunksDecoded++;
      boolean complete = !decoder.decode(chunk, recorder).stoppedEarly();
      times.remember(chunk, recorder.times(), complete);
    }
  }

  /**
   * Samples and preprocesses a window of a local video file, whose timeline starts at its first
   * frame (time 0). The file is decoded from the start up to the window end; the per-chunk frame
   * limit does not apply.
   *
   * @param file a video file in any container and codec GStreamer reads
   * @param windowStartUs window start, microseconds after the first frame
   * @param durationUs window duration, microseconds
   * @return both branches' input with the source frame of every grid point
   * @throws MediaException if the file cannot be read or decoded
   */
  public WindowFrames extract(Path file, long windowStartUs, long durationUs)
      throws MediaException {
    if (!Files.isReadable(file)) {
      throw new MediaException(MediaException.Reason.IO, file + ": not a readable file");
    }
    WindowSink sink = new WindowSink(windowStartUs, windowStartUs, durationUs, null);
    try (DecodingPipeline pipeline = DecodingPipeline.forFile(file.toAbsolutePath().toString(),
        settings.withoutFrameLimit())) {
      pipeline.decodeFile(new StreamClock(file.toString(), 0, -1, 0), sink, file.toString());
    }
    return sink.finish();
  }

  /**
   * Chunks this extractor decoded so far, in full or in part.
   *
   * @return the count
   */
  public long chunksDecoded() {
    return chunksDecoded;
  }

  /**
   * Chunks whose frames this extractor took from remembered frame times instead of decoding.
   *
   * @return the count
   */
  public long chunksReplayed() {
    return chunksReplayed;
  }

  @Override
  public void close() {
    decoder.close();
  }

  /** Records the time of every frame the decoder produces, for {@link ChunkFrameTimes}. */
  private static final class FrameTimeRecorder implements I420FrameSink {
    private final WindowSink sink;
    private long[] times = new long[64];
    private int count;

    FrameTimeRecorder(WindowSink sink) {
      this.sink = sink;
    }

    @Override
    public Decision decide(long ptsUs) {
      if (count == times.length) {
        times = Arrays.copyOf(times, count * 2);
      }
      times[count++] = ptsUs;
      return sink.decide(ptsUs);
    }

    @Override
    public boolean accept(RgbFrame frame) {
      return sink.accept(frame);
    }

    @Override
    public boolean accept(I420Frame frame) {
      return sink.accept(frame);
    }

    long[] times() {
      return Arrays.copyOf(times, count);
    }
  }

  /**
   * Offers every decoded frame to both samplers and preprocesses the points it serves; a frame
   * replayed from its remembered time serves its points without pixels.
   */
  private final class WindowSink implements I420FrameSink {
    private final FrameSampler clipSampler;
    private final FrameSampler syncSampler;
    private final SampledFrames clip;
    private final SampledFrames sync;
    private final KnownFrames known;
    /** The chunk (index in window order) that served each point. */
    private final int[] clipChunk;
    private final int[] syncChunk;
    /** Points whose data row holds no preprocessed pixels. */
    private final BitSet clipUnprepared = new BitSet();
    private final BitSet syncUnprepared = new BitSet();
    /** The chunk being decoded or replayed. */
    int chunk;

    WindowSink(long startUs, long clipStartUs, long durationUs, KnownFrames known) {
      this.known = known;
      SamplingGrid clipGrid = new SamplingGrid(clipStartUs, durationUs, CLIP_FPS, 1,
          settings.grid());
      SamplingGrid syncGrid = new SamplingGrid(startUs, durationUs, SYNC_FPS, 1, settings.grid());
      clipSampler = new FrameSampler(clipGrid);
      syncSampler = new FrameSampler(syncGrid);
      clip = new SampledFrames(clipGrid, clipPreprocessor.size());
      sync = new SampledFrames(syncGrid, syncPreprocessor.size());
      clipChunk = new int[clipGrid.count()];
      syncChunk = new int[syncGrid.count()];
    }

    @Override
    public Decision decide(long ptsUs) {
      if (clipSampler.closedAt(ptsUs) && syncSampler.closedAt(ptsUs)) {
        return Decision.STOP;
      }
      return clipSampler.pointsServedBy(ptsUs) > 0 || syncSampler.pointsServedBy(ptsUs) > 0
          ? Decision.TAKE : Decision.SKIP;
    }

    @Override
    public boolean accept(RgbFrame frame) {
      return accept(new RgbRows(frame), frame.ptsUs());
    }

    @Override
    public boolean accept(I420Frame frame) {
      return accept(i420Rows.of(frame), frame.ptsUs());
    }

    private boolean accept(FrameRows frame, long pts) {
      boolean clipKnown = known != null && known.clipFrameKnown(pts);
      serve(clipSampler, clipKnown ? null : clipPreprocessor, clip, clipChunk, clipUnprepared,
          frame, pts);
      serve(syncSampler, syncPreprocessor, sync, syncChunk, syncUnprepared, frame, pts);
      return !done();
    }

    /**
     * Offers the frames of one chunk by their remembered times, as the decoder would, without
     * pixels.
     */
    void replay(int chunkIndex, long[] framePts) {
      chunk = chunkIndex;
      for (long pts : framePts) {
        Decision decision = decide(pts);
        if (decision == Decision.STOP) {
          return;
        }
        if (decision == Decision.TAKE) {
          serve(clipSampler, null, clip, clipChunk, clipUnprepared, null, pts);
          serve(syncSampler, null, sync, syncChunk, syncUnprepared, null, pts);
          if (done()) {
            return;
          }
        }
      }
    }

    /** Serves the grid points a frame covers; without a preprocessor it records the PTS only. */
    private void serve(FrameSampler sampler, FramePreprocessor preprocessor,
        SampledFrames out, int[] servedBy, BitSet unprepared, FrameRows frame, long pts) {
      int n = sampler.pointsServedBy(pts);
      if (n == 0) {
        return;
      }
      int first = sampler.take(n);
      if (preprocessor != null) {
        preprocessor.preprocess(frame, out.data(), first * preprocessor.floatsPerFrame());
      } else {
        unprepared.set(first, first + n);
      }
      Arrays.fill(servedBy, first, first + n, chunk);
      out.repeat(first, n, pts);
    }

    /**
     * Whether a row the caller will read holds no pixels: a CLIP point whose feature is not
     * known, or a Synchformer point the caller needs (an uncovered point reads the last covered
     * row, copied into it).
     */
    boolean readsUnpreparedRow(KnownFrames known) {
      long[] clipPts = clip.sourcePtsUs();
      for (int i = clipUnprepared.nextSetBit(0); i >= 0 && i < clip.covered();
          i = clipUnprepared.nextSetBit(i + 1)) {
        if (!known.clipFrameKnown(clipPts[i])) {
          return true;
        }
      }
      boolean[] needed = known.syncFramesNeeded(sync.sourcePtsUs());
      int covered = sync.covered();
      for (int i = 0; i < needed.length; i++) {
        int row = i < covered ? i : covered - 1;
        if (needed[i] && row >= 0 && syncUnprepared.get(row)) {
          return true;
        }
      }
      return false;
    }

    boolean done() {
      return clipSampler.complete() && syncSampler.complete();
    }

    WindowFrames finish() {
      clip.padUncoveredRows();
      sync.padUncoveredRows();
      return new WindowFrames(clip, sync);
    }
  }
}
