package io.foleystream.topology.generator;

import io.foleystream.topology.records.PayloadFetcher;

import io.foleystream.inference.FoleyEngine;
import io.foleystream.inference.FrameFeatureCache;
import io.foleystream.inference.VideoFeatures;
import io.foleystream.media.ChunkDecoder;
import io.foleystream.media.ChunkFrameTimes;
import io.foleystream.media.DecoderSettings;
import io.foleystream.media.FrameSink;
import io.foleystream.media.KnownFrames;
import io.foleystream.media.MediaChunk;
import io.foleystream.media.MediaException;
import io.foleystream.media.RgbFrame;
import io.foleystream.media.SampledFrames;
import io.foleystream.media.WindowFrameExtractor;
import io.foleystream.media.WindowFrames;
import io.foleystream.schemas.RecordPosition;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.WindowGrid;
import io.foleystream.schemas.WindowMode;
import io.foleystream.schemas.WindowTask;
import io.foleystream.topology.records.ChunkRules;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The featurize stage: decodes a window's chunks, samples and preprocesses its frames (the media
 * package) and turns them into CLIP and Synchformer features (the engine's extractors).
 *
 * <h2>Bad chunks</h2>
 * When decoding fails because of a chunk (corrupt, truncated, not in its container, ...), each
 * chunk of the window is decoded alone to find the culprits; they are reported (to be
 * dead-lettered) and the window is decoded again without them, so their time range becomes a
 * gap that the gap policy fills. A chunk that spans two windows is reported by the first one
 * only. Failures that are not the chunk's fault (GStreamer missing, I/O) propagate.
 *
 * <h2>Gaps</h2>
 * {@code NEAREST_FRAME}: a grid time in a gap takes the first frame after the gap (the frame
 * sampler's rule), or the last frame before it when the gap runs to the window end. A window
 * without any decodable frame is generated from the model's learned empty video features.
 *
 * <h2>Overlapping windows</h2>
 * With a feature cache, a window that overlaps its predecessors takes the features of the source
 * frames they encoded from the cache, and decodes only the chunks holding a frame whose features
 * are not cached: the frame times of each chunk decoded to its end are remembered per stream
 * ({@link ChunkFrameTimes}), so the source frame of every grid point is known without decoding.
 * In live mode at a 2 s hop over 2 s chunks a window decodes the chunk its predecessor stopped
 * in and its newest chunk instead of all five. The result does not depend on what is
 * remembered: a restarted process decodes everything once and gets the same bits.
 *
 * <p>Not thread-safe: one featurizer per generation worker.
 */
public final class WindowFeaturizer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(WindowFeaturizer.class);

  /** Media failures that the chunk itself causes. */
  private static final Set<MediaException.Reason> CHUNK_AT_FAULT = EnumSet.of(
      MediaException.Reason.EMPTY, MediaException.Reason.UNSUPPORTED_CONTAINER,
      MediaException.Reason.UNSUPPORTED_CODEC, MediaException.Reason.NO_VIDEO,
      MediaException.Reason.CORRUPT, MediaException.Reason.TRUNCATED,
      MediaException.Reason.BAD_TIMESTAMPS, MediaException.Reason.TOO_LARGE,
      MediaException.Reason.STALLED);

  /**
   * Streams whose chunk frame times are remembered; past it the least recently featurized
   * stream's are forgotten (its next window decodes all its chunks, with the same result).
   */
  static final int MAX_STREAMS_REMEMBERED = 1024;

  /** Chunks remembered per stream: a window's chunks and a few more. */
  static final int MAX_CHUNKS_REMEMBERED = 64;

  /** A chunk that cannot be decoded, with where it was read from (null when unknown). */
  public record BadChunk(VideoChunk chunk, RecordPosition source, Exception error) {}

  /**
   * A featurized window.
   *
   * @param features the features, or null when no frame could be decoded
   * @param badChunks the chunks left out, to dead-letter
   * @param decodeNanos time spent decoding and sampling
   * @param featureNanos time spent in the feature extractors
   */
  public record Result(VideoFeatures features, List<BadChunk> badChunks, long decodeNanos,
      long featureNanos) {}

  private final FoleyEngine engine;
  private final PayloadFetcher payloads;
  private final WindowFrameExtractor extractor;
  private final ChunkDecoder probe;
  private final FrameFeatureCache cache;
  private final Map<String, ChunkFrameTimes> frameTimes = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, ChunkFrameTimes> eldest) {
      return size() > MAX_STREAMS_REMEMBERED;
    }
  };

  /**
   * A featurizer that encodes every window's frames afresh.
   *
   * @param engine the engine with its feature extractors
   * @param payloads fetches referenced payloads
   * @param settings decoding limits
   */
  public WindowFeaturizer(FoleyEngine engine, PayloadFetcher payloads, DecoderSettings settings) {
    this(engine, payloads, settings, null);
  }

  /**
   * A featurizer that keeps each stream's frame features for the windows that overlap.
   *
   * @param engine the engine with its feature extractors
   * @param payloads fetches referenced payloads
   * @param settings decoding limits
   * @param cache per-stream CLIP frame and Synchformer segment features, or null for none
   */
  public WindowFeaturizer(FoleyEngine engine, PayloadFetcher payloads, DecoderSettings settings,
      FrameFeatureCache cache) {
    this.cache = cache;
    this.engine = engine;
    this.payloads = payloads;
    this.extractor = new WindowFrameExtractor(settings);
    this.probe = new ChunkDecoder(settings);
  }

  /**
   * Featurizes one window.
   *
   * @param task the window
   * @return features and the chunks left out
   * @throws MediaException if decoding fails for a reason that is not a chunk's fault
   * @throws PayloadFetcher.PayloadException if a referenced payload cannot be fetched for a
   *     reason that is not the reference's fault
   */
  public Result featurize(WindowTask task) throws MediaException, PayloadFetcher.PayloadException {
    long t0 = System.nanoTime();
    List<BadChunk> bad = new ArrayList<>();
    List<MediaChunk> chunks = new ArrayList<>();
    List<Integer> indexes = new ArrayList<>();
    for (int i = 0; i < task.getChunks().size(); i++) {
      VideoChunk chunk = task.getChunks().get(i);
      try {
        chunks.add(mediaChunk(chunk));
        indexes.add(i);
      } catch (PayloadFetcher.PayloadException e) {
        if (!e.recordAtFault()) {
          throw e;
        }
        report(task, i, e, bad);
      }
    }
    Sampling sampling = sampling(task);
    WindowFrames frames;
    try {
      frames = extract(task, chunks, sampling);
    } catch (MediaException e) {
      if (!CHUNK_AT_FAULT.contains(e.reason())) {
        throw e;
      }
      List<MediaChunk> good = new ArrayList<>();
      for (int j = 0; j < chunks.size(); j++) {
        // A window of one chunk failed because of that chunk: decoding it again would pay a
        // stall timeout twice.
        MediaException failure = chunks.size() == 1 ? e : probe(chunks.get(j));
        if (failure == null) {
          good.add(chunks.get(j));
        } else if (!CHUNK_AT_FAULT.contains(failure.reason())) {
          throw failure;
        } else {
          report(task, indexes.get(j), failure, bad);
        }
      }
      frames = good.isEmpty() ? null : extractAgain(task, good, sampling);
    }
    long t1 = System.nanoTime();
    if (frames == null || frames.clip().covered() == 0 || frames.sync().covered() == 0) {
      return new Result(null, bad, t1 - t0, 0);
    }
    float[] clip;
    float[] sync;
    if (sampling.reuse()) {
      clip = cache.clipFeatures(task.getStreamId(), FloatBuffer.wrap(frames.clip().data()),
          paddedSourcePts(frames.clip()));
      sync = cache.syncFeatures(task.getStreamId(), FloatBuffer.wrap(frames.sync().data()),
          frames.sync().sourcePtsUs());
    } else {
      clip = engine.clipImageEncoder().encode(FloatBuffer.wrap(frames.clip().data()),
          frames.clip().count());
      sync = engine.synchformerEncoder().encode(FloatBuffer.wrap(frames.sync().data()),
          frames.sync().count());
    }
    return new Result(new VideoFeatures(clip, sync), bad, t1 - t0, System.nanoTime() - t1);
  }

  /**
   * How a window's frames are sampled: whether its features may come from the stream's cache,
   * and where its CLIP grid starts.
   *
   * @param reuse whether the window overlaps its neighbours and the cache is on
   * @param clipGridStartUs start of the CLIP grid
   */
  private record Sampling(boolean reuse, long clipGridStartUs) {}

  /**
   * Overlapping windows share frames, so their features come from the stream's cache. A live
   * window also takes its CLIP points from the stream's 8 fps grid (the point nearest to its
   * start, at most half a CLIP frame, 62.5 ms, away): then its overlap with the window before
   * picks exactly the frames that window picked, and each source frame is encoded once. Tumbling
   * windows keep MMAudio's grid anchored at the window start.
   */
  private Sampling sampling(WindowTask task) {
    WindowGrid grid = task.getGrid();
    boolean live = grid != null && grid.getMode() == WindowMode.LIVE;
    // A live stream's first ramp-up window may be one hop long, and the next still overlaps it.
    boolean overlaps = live || task.getHopMicros() < task.getWindowDurationMicros();
    if (cache == null || !overlaps) {
      return new Sampling(false, task.getWindowStartMicros());
    }
    if (!live) {
      return new Sampling(true, task.getWindowStartMicros());
    }
    long step = 1_000_000L / WindowFrameExtractor.CLIP_FPS;
    long fromOrigin = task.getWindowStartMicros() - grid.getOriginMicros();
    return new Sampling(true, grid.getOriginMicros()
        + Math.floorDiv(fromOrigin + step / 2, step) * step);
  }

  /**
   * The source frame of every CLIP grid point, the points past the last frame (whose rows are
   * copies of the last covered one) included, so that the cache serves them too: a frame the
   * cache already had was not preprocessed, and its row holds nothing to copy.
   */
  private static long[] paddedSourcePts(SampledFrames frames) {
    long[] pts = frames.sourcePtsUs().clone();
    int covered = frames.covered();
    for (int i = covered; i > 0 && i < pts.length; i++) {
      pts[i] = pts[covered - 1];
    }
    return pts;
  }

  /**
   * Forgets a stream's cached features (its last window was generated).
   *
   * @param streamId the stream
   */
  public void forget(String streamId) {
    frameTimes.remove(streamId);
    if (cache != null) {
      cache.dropStream(streamId);
    }
  }

  /**
   * Decodes the chunks that decoded alone. Should they still fail together (a chunk whose damage
   * shows only after another), the window is generated without video rather than retried
   * forever.
   */
  private WindowFrames extractAgain(WindowTask task, List<MediaChunk> chunks, Sampling sampling)
      throws MediaException {
    try {
      return extract(task, chunks, sampling);
    } catch (MediaException e) {
      if (!CHUNK_AT_FAULT.contains(e.reason())) {
        throw e;
      }
      LOG.warn("stream {} window {}: its chunks decode one by one but not together ({}); the"
          + " window is generated without video", task.getStreamId(), task.getWindowIndex(),
          e.getMessage());
      return null;
    }
  }

  private WindowFrames extract(WindowTask task, List<MediaChunk> chunks, Sampling sampling)
      throws MediaException {
    if (!sampling.reuse()) {
      return extractor.extract(chunks, task.getWindowStartMicros(),
          task.getWindowDurationMicros());
    }
    String stream = task.getStreamId();
    ChunkFrameTimes times = frameTimes.computeIfAbsent(stream,
        s -> new ChunkFrameTimes(MAX_CHUNKS_REMEMBERED));
    times.forgetEndingBy(Math.min(task.getWindowStartMicros(), sampling.clipGridStartUs()));
    return extractor.extract(chunks, task.getWindowStartMicros(), sampling.clipGridStartUs(),
        task.getWindowDurationMicros(), new KnownFrames() {
          @Override
          public boolean clipFrameKnown(long ptsUs) {
            return cache.hasClipFeature(stream, ptsUs);
          }

          @Override
          public boolean[] syncFramesNeeded(long[] sourcePtsUs) {
            return cache.syncFramesNeeded(stream, sourcePtsUs);
          }
        }, times);
  }

  private MediaChunk mediaChunk(VideoChunk chunk) throws PayloadFetcher.PayloadException {
    return new MediaChunk(payloads.bytes(chunk.getPayload()),
        ChunkRules.container(chunk.getMediaType()), chunk.getPtsStartMicros(),
        chunk.getDurationMicros());
  }

  /** Decodes one chunk alone; returns its failure, or null when it decodes. */
  private MediaException probe(MediaChunk chunk) {
    try {
      probe.decode(chunk, FrameSink.skipEveryFrame());
      return null;
    } catch (MediaException e) {
      return e;
    }
  }

  /** Reports a bad chunk unless an earlier window of the stream also holds it. */
  private static void report(WindowTask task, int index, Exception error, List<BadChunk> bad) {
    VideoChunk chunk = task.getChunks().get(index);
    long previousStart = task.getWindowStartMicros() - task.getHopMicros();
    boolean inPreviousWindow = task.getWindowIndex() > 0
        && chunk.getPtsStartMicros() < previousStart + task.getWindowDurationMicros();
    if (!inPreviousWindow) {
      RecordPosition source = index < task.getChunkSources().size()
          ? task.getChunkSources().get(index) : null;
      bad.add(new BadChunk(chunk, source, error));
    }
  }

  @Override
  public void close() {
    extractor.close();
    probe.close();
  }
}
