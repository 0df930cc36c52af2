package io.foleystream.media;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongPredicate;

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
 * ColourConversion#OFFICIAL} only the frames a grid point needs are converted, and a frame only
 * the Synchformer grid needs only in the columns its centre crop reads.
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
    return extract(chunks, windowStartUs, windowStartUs, durationUs, pts -> false);
  }

  /**
   * Samples a window whose CLIP grid is anchored elsewhere than at the window start, and leaves
   * out the preprocessing of CLIP frames the caller already has features for: the live path,
   * where overlapping windows take their CLIP points from the stream's 8 fps grid so that each
   * source frame is encoded once. A known frame's row of the CLIP data is left as it is (the
   * caller does not read it); its source PTS is recorded as usual.
   *
   * @param chunks the chunks that cover the window, in any order
   * @param windowStartUs window start (and start of the Synchformer grid), microseconds
   * @param clipGridStartUs start of the CLIP grid, within half a CLIP frame of the window start
   * @param durationUs window duration, microseconds
   * @param clipFrameKnown whether the caller has the CLIP feature of the source frame at a PTS
   * @return both branches' input with the source frame of every grid point
   * @throws MediaException if a chunk cannot be decoded; its message names the chunk
   */
  public WindowFrames extract(List<MediaChunk> chunks, long windowStartUs, long clipGridStartUs,
      long durationUs, LongPredicate clipFrameKnown) throws MediaException {
    WindowSink sink = new WindowSink(windowStartUs, clipGridStartUs, durationUs,
        clipFrameKnown);
    List<MediaChunk> ordered = new ArrayList<>(chunks);
    ordered.sort(Comparator.comparingLong(MediaChunk::startUs));
    for (MediaChunk chunk : ordered) {
      if (sink.done()) {
        break;
      }
      if (chunk.endUs() <= windowStartUs || chunk.startUs() > windowStartUs + durationUs) {
        continue;
      }
      decoder.decode(chunk, sink);
    }
    return sink.finish();
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
    WindowSink sink = new WindowSink(windowStartUs, windowStartUs, durationUs, pts -> false);
    try (DecodingPipeline pipeline = DecodingPipeline.forFile(file.toAbsolutePath().toString(),
        settings.withoutFrameLimit())) {
      pipeline.decodeFile(new StreamClock(file.toString(), 0, -1, 0), sink, file.toString());
    }
    return sink.finish();
  }

  @Override
  public void close() {
    decoder.close();
  }

  /** Offers every decoded frame to both samplers and preprocesses the points it serves. */
  private final class WindowSink implements FrameSink {
    private final FrameSampler clipSampler;
    private final FrameSampler syncSampler;
    private final SampledFrames clip;
    private final SampledFrames sync;

    private final LongPredicate clipFrameKnown;

    WindowSink(long startUs, long clipStartUs, long durationUs, LongPredicate clipFrameKnown) {
      this.clipFrameKnown = clipFrameKnown;
      SamplingGrid clipGrid = new SamplingGrid(clipStartUs, durationUs, CLIP_FPS, 1,
          settings.grid());
      SamplingGrid syncGrid = new SamplingGrid(startUs, durationUs, SYNC_FPS, 1, settings.grid());
      clipSampler = new FrameSampler(clipGrid);
      syncSampler = new FrameSampler(syncGrid);
      clip = new SampledFrames(clipGrid, clipPreprocessor.size());
      sync = new SampledFrames(syncGrid, syncPreprocessor.size());
    }

    @Override
    public Decision decide(long ptsUs) {
      if (clipSampler.closedAt(ptsUs) && syncSampler.closedAt(ptsUs)) {
        return Decision.STOP;
      }
      return clipSampler.pointsServedBy(ptsUs) > 0 || syncSampler.pointsServedBy(ptsUs) > 0
          ? Decision.TAKE : Decision.SKIP;
    }

    /** A frame only the Synchformer grid needs is read only inside its centre crop. */
    @Override
    public int[] columnsNeeded(long ptsUs, int width, int height) {
      return clipSampler.pointsServedBy(ptsUs) > 0 ? new int[] {0, width}
          : syncPreprocessor.columnsRead(width, height);
    }

    @Override
    public boolean accept(RgbFrame frame) {
      serve(clipSampler, clipFrameKnown.test(frame.ptsUs()) ? null : clipPreprocessor, clip,
          frame);
      serve(syncSampler, syncPreprocessor, sync, frame);
      return !done();
    }

    /** Serves the grid points a frame covers; a null preprocessor records the PTS only. */
    private void serve(FrameSampler sampler, FramePreprocessor preprocessor,
        SampledFrames out, RgbFrame frame) {
      int n = sampler.pointsServedBy(frame.ptsUs());
      if (n == 0) {
        return;
      }
      int first = sampler.take(n);
      if (preprocessor != null) {
        preprocessor.preprocess(frame, out.data(), first * preprocessor.floatsPerFrame());
      }
      out.repeat(first, n, frame.ptsUs());
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
