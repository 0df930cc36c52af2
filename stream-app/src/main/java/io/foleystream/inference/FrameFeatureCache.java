package io.foleystream.inference;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Visual features per source frame, per stream, so that overlapping windows encode each frame
 * once: a CLIP feature is keyed by the stream time (PTS) of the source frame a grid point used,
 * a Synchformer segment's features by the PTS of its 16 frames. A window's features are looked
 * up, the missing ones encoded in batches, and the window's full feature array returned.
 *
 * <p>The encoders give a frame or segment the same bits whatever batch it is in ({@link
 * ClipImageEncoder}), so a window's features are the same bit for bit whether they come from a
 * warm cache, a partly evicted one or a process restarted with an empty one.
 *
 * <p>Each stream's entries are bounded in bytes; past the bound the entries of the oldest PTS go
 * first. Grid points that no frame served ({@code NO_FRAME}, {@link Long#MIN_VALUE}) are encoded
 * every time and never stored, as their pixels are a stand-in. Thread-safe: calls for one stream
 * are serialised, different streams run in parallel.
 */
public final class FrameFeatureCache {

  /** The PTS of a grid point that no frame served. */
  public static final long NO_FRAME = Long.MIN_VALUE;

  private final ClipImageEncoder clipEncoder;
  private final SynchformerEncoder syncEncoder;
  private final int clipImageSize;
  private final int syncImageSize;
  private final int segmentFrames;
  private final int segmentStep;
  private final int clipDim;
  private final int segmentFloats;
  private final long maxBytesPerStream;
  private final Map<String, StreamEntries> streams = new ConcurrentHashMap<>();
  private final AtomicLong clipEncoded = new AtomicLong();
  private final AtomicLong clipReused = new AtomicLong();
  private final AtomicLong segmentsEncoded = new AtomicLong();
  private final AtomicLong segmentsReused = new AtomicLong();

  /**
   * A cache over an engine's extractors.
   *
   * @param engine an engine opened with its feature extractors
   * @param maxBytesPerStream the bound on each stream's cached features (feature values and
   *     keys), at least 0
   * @throws IllegalStateException if the engine was opened without feature extractors
   * @throws IllegalArgumentException if the bound is negative
   */
  public FrameFeatureCache(FoleyEngine engine, long maxBytesPerStream) {
    this(engine.clipImageEncoder(), engine.synchformerEncoder(), engine.modelSet().sequence(),
        maxBytesPerStream);
  }

  FrameFeatureCache(ClipImageEncoder clipEncoder, SynchformerEncoder syncEncoder,
      SequenceConfig sequence, long maxBytesPerStream) {
    if (maxBytesPerStream < 0) {
      throw new IllegalArgumentException("the byte bound must not be negative: "
          + maxBytesPerStream);
    }
    this.clipEncoder = clipEncoder;
    this.syncEncoder = syncEncoder;
    this.clipImageSize = sequence.clipImageSize();
    this.syncImageSize = sequence.syncImageSize();
    this.segmentFrames = sequence.syncSegmentFrames();
    this.segmentStep = sequence.syncSegmentStep();
    this.clipDim = sequence.clipDim();
    this.segmentFloats = SequenceConfig.SYNC_TOKENS_PER_SEGMENT * sequence.syncDim();
    this.maxBytesPerStream = maxBytesPerStream;
  }

  /**
   * The CLIP features of a window's frames, encoding only the source frames not cached yet.
   *
   * @param stream the stream
   * @param frames the window's preprocessed CLIP frames, {@code count * 3 * size * size} floats
   *     from position to limit (the media package's {@code SampledFrames.data()})
   * @param sourcePtsUs the source frame of each grid point ({@code SampledFrames.sourcePtsUs()}),
   *     {@code count} entries
   * @return {@code count * clip_dim} floats, equal to {@link ClipImageEncoder#encode} of the
   *     frames
   * @throws InvalidInputException if the frames do not match the PTS, or a frame to encode
   *     holds NaN or infinite values
   */
  public float[] clipFeatures(String stream, FloatBuffer frames, long[] sourcePtsUs) {
    int frameSize = 3 * clipImageSize * clipImageSize;
    requireCount(frames, sourcePtsUs.length, frameSize, "CLIP frames");
    int count = sourcePtsUs.length;
    float[] features = new float[count * clipDim];
    StreamEntries entries = entries(stream);
    synchronized (entries) {
      // Each grid point's row among the encoded frames, -1 when it comes from the cache.
      Map<Long, Integer> pending = new HashMap<>();
      int[] row = new int[count];
      int[] encodeFrom = new int[count];
      int missing = 0;
      for (int i = 0; i < count; i++) {
        long pts = sourcePtsUs[i];
        float[] cached = pts == NO_FRAME ? null : entries.clip.get(pts);
        Integer same = pts == NO_FRAME ? null : pending.get(pts);
        if (cached != null) {
          System.arraycopy(cached, 0, features, i * clipDim, clipDim);
          row[i] = -1;
          clipReused.incrementAndGet();
        } else if (same != null) {
          row[i] = same;
          clipReused.incrementAndGet();
        } else {
          if (pts != NO_FRAME) {
            pending.put(pts, missing);
          }
          row[i] = missing;
          encodeFrom[missing++] = i;
        }
      }
      if (missing > 0) {
        FloatBuffer batch = Tensors.directFloats(missing * frameSize);
        for (int m = 0; m < missing; m++) {
          batch.put(frames.slice(frames.position() + encodeFrom[m] * frameSize, frameSize));
        }
        float[] encoded = clipEncoder.encode(batch.flip(), missing);
        clipEncoded.addAndGet(missing);
        for (int i = 0; i < count; i++) {
          if (row[i] >= 0) {
            System.arraycopy(encoded, row[i] * clipDim, features, i * clipDim, clipDim);
          }
        }
        for (Map.Entry<Long, Integer> e : pending.entrySet()) {
          entries.putClip(e.getKey(), Arrays.copyOfRange(encoded, e.getValue() * clipDim,
              (e.getValue() + 1) * clipDim));
        }
        entries.evict(maxBytesPerStream);
      }
    }
    return features;
  }

  /**
   * The Synchformer features of a window's frames, encoding only the segments not cached yet.
   *
   * @param stream the stream
   * @param frames the window's preprocessed 25 fps frames, {@code count * 3 * 224 * 224} floats
   *     from position to limit
   * @param sourcePtsUs the source frame of each grid point, {@code count} entries
   * @return {@code segments * 8 * sync_dim} floats, equal to {@link SynchformerEncoder#encode}
   *     of the frames
   * @throws InvalidInputException if the frames do not match the PTS, are fewer than one
   *     segment, or a segment to encode holds NaN or infinite values
   */
  public float[] syncFeatures(String stream, FloatBuffer frames, long[] sourcePtsUs) {
    int frameSize = 3 * syncImageSize * syncImageSize;
    requireCount(frames, sourcePtsUs.length, frameSize, "Synchformer frames");
    int segments = syncEncoder.segments(sourcePtsUs.length);
    if (segments == 0) {
      throw new InvalidInputException("Synchformer frames: " + sourcePtsUs.length
          + " frames are fewer than one segment of " + segmentFrames);
    }
    float[] features = new float[segments * segmentFloats];
    StreamEntries entries = entries(stream);
    synchronized (entries) {
      Map<SegmentKey, Integer> pending = new HashMap<>();
      int[] row = new int[segments];
      int[] encodeFrom = new int[segments];
      int missing = 0;
      for (int s = 0; s < segments; s++) {
        long[] pts = Arrays.copyOfRange(sourcePtsUs, s * segmentStep,
            s * segmentStep + segmentFrames);
        SegmentKey key = Arrays.stream(pts).anyMatch(p -> p == NO_FRAME) ? null
            : new SegmentKey(pts);
        float[] cached = key == null ? null : entries.sync.get(key);
        Integer same = key == null ? null : pending.get(key);
        if (cached != null) {
          System.arraycopy(cached, 0, features, s * segmentFloats, segmentFloats);
          row[s] = -1;
          segmentsReused.incrementAndGet();
        } else if (same != null) {
          row[s] = same;
          segmentsReused.incrementAndGet();
        } else {
          if (key != null) {
            pending.put(key, missing);
          }
          row[s] = missing;
          encodeFrom[missing++] = s;
        }
      }
      if (missing > 0) {
        int segmentSize = segmentFrames * frameSize;
        FloatBuffer batch = Tensors.directFloats(missing * segmentSize);
        for (int m = 0; m < missing; m++) {
          batch.put(frames.slice(frames.position() + encodeFrom[m] * segmentStep * frameSize,
              segmentSize));
        }
        float[] encoded = syncEncoder.encodeSegments(batch.flip(), missing);
        segmentsEncoded.addAndGet(missing);
        for (int s = 0; s < segments; s++) {
          if (row[s] >= 0) {
            System.arraycopy(encoded, row[s] * segmentFloats, features, s * segmentFloats,
                segmentFloats);
          }
        }
        for (Map.Entry<SegmentKey, Integer> e : pending.entrySet()) {
          entries.putSync(e.getKey(), Arrays.copyOfRange(encoded, e.getValue() * segmentFloats,
              (e.getValue() + 1) * segmentFloats));
        }
        entries.evict(maxBytesPerStream);
      }
    }
    return features;
  }

  /**
   * Whether a stream's cache holds the CLIP feature of a source frame, so that the frame need
   * not be preprocessed.
   *
   * @param stream the stream
   * @param sourcePtsUs the frame's PTS
   * @return true if {@link #clipFeatures} will take it from the cache
   */
  public boolean hasClipFeature(String stream, long sourcePtsUs) {
    StreamEntries entries = streams.get(stream);
    if (entries == null) {
      return false;
    }
    synchronized (entries) {
      return entries.clip.containsKey(sourcePtsUs);
    }
  }

  /**
   * Which of a window's 25 fps grid points {@link #syncFeatures} will read pixels of: the points
   * of every segment that is not cached, or that has a point no frame served yet. A caller that
   * knows the source frames before decoding decodes only the frames these points use.
   *
   * @param stream the stream
   * @param sourcePtsUs the source frame of each grid point, {@link #NO_FRAME} where not known
   * @return one flag per grid point; points after the last whole segment are never read
   */
  public boolean[] syncFramesNeeded(String stream, long[] sourcePtsUs) {
    boolean[] needed = new boolean[sourcePtsUs.length];
    int segments = syncEncoder.segments(sourcePtsUs.length);
    StreamEntries entries = streams.get(stream);
    for (int s = 0; s < segments; s++) {
      int from = s * segmentStep;
      long[] pts = Arrays.copyOfRange(sourcePtsUs, from, from + segmentFrames);
      boolean cached = false;
      if (entries != null && Arrays.stream(pts).noneMatch(p -> p == NO_FRAME)) {
        synchronized (entries) {
          cached = entries.sync.containsKey(new SegmentKey(pts));
        }
      }
      if (!cached) {
        Arrays.fill(needed, from, from + segmentFrames, true);
      }
    }
    return needed;
  }

  /**
   * Forgets a stream's entries (its end, or a stream this instance no longer serves).
   *
   * @param stream the stream
   */
  public void dropStream(String stream) {
    streams.remove(stream);
  }

  /**
   * The bytes a stream's entries take, as the bound counts them.
   *
   * @param stream the stream
   * @return feature values and keys, 0 for an unknown stream
   */
  public long bytes(String stream) {
    StreamEntries entries = streams.get(stream);
    if (entries == null) {
      return 0;
    }
    synchronized (entries) {
      return entries.bytes;
    }
  }

  /**
   * CLIP frames run through the encoder so far, all streams.
   *
   * @return rows encoded
   */
  public long clipFramesEncoded() {
    return clipEncoded.get();
  }

  /**
   * CLIP grid points served from the cache so far, all streams.
   *
   * @return rows reused
   */
  public long clipFramesReused() {
    return clipReused.get();
  }

  /**
   * Synchformer segments run through the encoder so far, all streams.
   *
   * @return segments encoded
   */
  public long syncSegmentsEncoded() {
    return segmentsEncoded.get();
  }

  /**
   * Synchformer segments served from the cache so far, all streams.
   *
   * @return segments reused
   */
  public long syncSegmentsReused() {
    return segmentsReused.get();
  }

  private StreamEntries entries(String stream) {
    return streams.computeIfAbsent(Objects.requireNonNull(stream, "stream"),
        s -> new StreamEntries());
  }

  private static void requireCount(FloatBuffer frames, int count, int frameSize, String what) {
    if (count == 0) {
      throw new InvalidInputException(what + ": no frames");
    }
    if (frames.remaining() != (long) count * frameSize) {
      throw new InvalidInputException(what + ": buffer holds " + frames.remaining()
          + " floats, " + count + " source PTS need " + (long) count * frameSize);
    }
  }

  /** The PTS of a segment's frames, ordered by its first frame's, then the next ones'. */
  private record SegmentKey(long[] pts) implements Comparable<SegmentKey> {
    @Override
    public boolean equals(Object other) {
      return other instanceof SegmentKey key && Arrays.equals(pts, key.pts);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(pts);
    }

    @Override
    public int compareTo(SegmentKey other) {
      return Arrays.compare(pts, other.pts);
    }

    @Override
    public String toString() {
      return Arrays.toString(pts);
    }
  }

  /** One stream's entries, ordered by PTS so that the oldest go first. */
  private static final class StreamEntries {
    final TreeMap<Long, float[]> clip = new TreeMap<>();
    final TreeMap<SegmentKey, float[]> sync = new TreeMap<>();
    long bytes;

    void putClip(long pts, float[] feature) {
      if (clip.put(pts, feature) == null) {
        bytes += Long.BYTES + (long) feature.length * Float.BYTES;
      }
    }

    void putSync(SegmentKey key, float[] feature) {
      if (sync.put(key, feature) == null) {
        bytes += (long) key.pts().length * Long.BYTES + (long) feature.length * Float.BYTES;
      }
    }

    void evict(long maxBytes) {
      while (bytes > maxBytes) {
        boolean clipOlder = sync.isEmpty() || (!clip.isEmpty()
            && clip.firstKey() <= sync.firstKey().pts()[0]);
        if (clipOlder) {
          float[] gone = clip.pollFirstEntry().getValue();
          bytes -= Long.BYTES + (long) gone.length * Float.BYTES;
        } else {
          Map.Entry<SegmentKey, float[]> gone = sync.pollFirstEntry();
          bytes -= (long) gone.getKey().pts().length * Long.BYTES
              + (long) gone.getValue().length * Float.BYTES;
        }
      }
    }
  }
}
