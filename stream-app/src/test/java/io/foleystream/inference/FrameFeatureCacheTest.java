package io.foleystream.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Per-stream caching of CLIP frame and Synchformer segment features on the tiny set. */
class FrameFeatureCacheTest {

  private static final long CLIP_PERIOD_US = 125_000;
  private static final long SYNC_PERIOD_US = 40_000;
  private static FoleyEngine engine;
  private static SequenceConfig s;

  @BeforeAll
  static void open() {
    engine = FoleyEngine.open(TinyModelSet.DIRECTORY, RuntimeOptions.defaults()
        .withThreads(2, 1));
    s = engine.modelSet().sequence();
  }

  @AfterAll
  static void close() {
    engine.close();
  }

  private static float[] clip(FrameFeatureCache cache, String stream, long... pts) {
    return cache.clipFeatures(stream, SourceFrames.of(s.clipImageSize(), pts), pts);
  }

  private static float[] clipFromScratch(long... pts) {
    return engine.clipImageEncoder().encode(SourceFrames.of(s.clipImageSize(), pts), pts.length);
  }

  private static long clipEntryBytes() {
    return Long.BYTES + (long) s.clipDim() * Float.BYTES;
  }

  @Test
  void overlappingWindowsEncodeEachSourceFrameOnceAndEqualFeaturesFromScratch() {
    FrameFeatureCache cache = new FrameFeatureCache(engine, 1 << 20);
    long[] first = SourceFrames.pts(0, 6, CLIP_PERIOD_US);
    long[] second = SourceFrames.pts(3, 6, CLIP_PERIOD_US);
    assertArrayEquals(clipFromScratch(first), clip(cache, "cam", first));
    float[] warm = clip(cache, "cam", second);
    assertArrayEquals(clipFromScratch(second), warm, "a warm cache gives the bits of a cold run");
    assertEquals(first.length + 3, cache.clipFramesEncoded());
    assertEquals(first.length - 3, cache.clipFramesReused());
    assertEquals(9 * clipEntryBytes(), cache.bytes("cam"));
  }

  @Test
  void aSourceFrameThatServesSeveralGridPointsIsEncodedOnce() {
    FrameFeatureCache cache = new FrameFeatureCache(engine, 1 << 20);
    long[] pts = {0, 0, 200_000, 200_000, 400_000};
    assertArrayEquals(clipFromScratch(pts), clip(cache, "slow", pts));
    assertEquals(3, cache.clipFramesEncoded());
    assertEquals(2, cache.clipFramesReused());
  }

  @Test
  void gridPointsWithoutAFrameAreEncodedEveryTimeAndNeverStored() {
    FrameFeatureCache cache = new FrameFeatureCache(engine, 1 << 20);
    long none = FrameFeatureCache.NO_FRAME;
    long[] pts = {0, CLIP_PERIOD_US, none, none};
    assertArrayEquals(clipFromScratch(pts), clip(cache, "ending", pts));
    assertArrayEquals(clipFromScratch(pts), clip(cache, "ending", pts));
    assertEquals(2 + 2 + 2, cache.clipFramesEncoded());
    assertEquals(2, cache.clipFramesReused());
    assertEquals(2 * clipEntryBytes(), cache.bytes("ending"));
  }

  @Test
  void pastTheBoundTheOldestFramesGoAndAreEncodedAgainWhenAsked() {
    FrameFeatureCache cache = new FrameFeatureCache(engine, 4 * clipEntryBytes());
    long[] window = SourceFrames.pts(0, 6, CLIP_PERIOD_US);
    clip(cache, "cam", window);
    assertEquals(4 * clipEntryBytes(), cache.bytes("cam"));
    long newest = window[window.length - 1];
    long oldest = window[0];
    assertArrayEquals(clipFromScratch(newest, oldest), clip(cache, "cam", newest, oldest));
    assertEquals(window.length + 1, cache.clipFramesEncoded(), "only the evicted frame again");
    assertEquals(1, cache.clipFramesReused());
    assertTrue(cache.bytes("cam") <= 4 * clipEntryBytes());
  }

  @Test
  void streamsAreSeparateAndADroppedStreamStartsOver() {
    FrameFeatureCache cache = new FrameFeatureCache(engine, 1 << 20);
    long[] pts = SourceFrames.pts(0, 2, CLIP_PERIOD_US);
    clip(cache, "a", pts);
    clip(cache, "b", pts);
    assertEquals(4, cache.clipFramesEncoded(), "the same PTS in another stream is another frame");
    cache.dropStream("a");
    assertEquals(0, cache.bytes("a"));
    clip(cache, "a", pts);
    clip(cache, "b", pts);
    assertEquals(6, cache.clipFramesEncoded());
    assertEquals(2, cache.clipFramesReused());
  }

  @Test
  void segmentsWhoseFramesRepeatAreReusedAndEqualFeaturesFromScratch() {
    FrameFeatureCache cache = new FrameFeatureCache(engine, 1 << 20);
    int frames = s.syncSegmentFrames() + 2 * s.syncSegmentStep();
    long[] first = SourceFrames.pts(0, frames, SYNC_PERIOD_US);
    long[] second = SourceFrames.pts(s.syncSegmentStep(), frames, SYNC_PERIOD_US);
    long[] offGrid = SourceFrames.pts(1, frames, SYNC_PERIOD_US);
    SynchformerEncoder sync = engine.synchformerEncoder();
    for (long[] pts : new long[][] {first, second, offGrid}) {
      FloatBuffer data = SourceFrames.of(s.syncImageSize(), pts);
      float[] cached = cache.syncFeatures("cam", data, pts);
      assertArrayEquals(sync.encode(data.rewind(), frames), cached);
    }
    int segments = sync.segments(frames);
    assertEquals(segments + 1 + segments, cache.syncSegmentsEncoded(),
        "a window shifted by a segment step reuses all but one; one shifted by a frame none");
    assertEquals(segments - 1, cache.syncSegmentsReused());
  }

  @Test
  void theFramesOfSegmentsNotCachedAreTheOnesNeeded() {
    FrameFeatureCache cache = new FrameFeatureCache(engine, 1 << 20);
    int step = s.syncSegmentStep();
    int frames = s.syncSegmentFrames() + 2 * step;
    long[] first = SourceFrames.pts(0, frames, SYNC_PERIOD_US);
    boolean[] cold = cache.syncFramesNeeded("cam", first);
    for (boolean needed : cold) {
      assertTrue(needed, "nothing is cached yet");
    }
    cache.syncFeatures("cam", SourceFrames.of(s.syncImageSize(), first), first);
    long[] shifted = SourceFrames.pts(step, frames + 3, SYNC_PERIOD_US);
    boolean[] warm = cache.syncFramesNeeded("cam", shifted);
    int segments = engine.synchformerEncoder().segments(shifted.length);
    int reused = engine.synchformerEncoder().segments(frames) - 1;
    for (int i = 0; i < shifted.length; i++) {
      boolean inNewSegment = i >= reused * step && i < segments * step + s.syncSegmentFrames()
          - step;
      assertEquals(inNewSegment, warm[i], "frame " + i + " of " + shifted.length);
    }
    assertTrue(cache.syncFramesNeeded("other", first)[0], "streams are separate");
    long[] unknown = first.clone();
    unknown[1] = FrameFeatureCache.NO_FRAME;
    boolean[] withUnknown = cache.syncFramesNeeded("cam", unknown);
    assertTrue(withUnknown[0] && withUnknown[step - 1], "a segment with a frame not known yet");
    assertTrue(!withUnknown[s.syncSegmentFrames() + step], "the last segment is still cached");
  }

  @Test
  void framesThatDoNotMatchTheirTimesAreRejected() {
    FrameFeatureCache cache = new FrameFeatureCache(engine, 1 << 20);
    FloatBuffer two = SourceFrames.of(s.clipImageSize(), 0, CLIP_PERIOD_US);
    assertThrows(InvalidInputException.class,
        () -> cache.clipFeatures("cam", two, new long[] {0}));
    assertThrows(InvalidInputException.class,
        () -> cache.clipFeatures("cam", FloatBuffer.allocate(0), new long[0]));
    long[] short15 = SourceFrames.pts(0, s.syncSegmentFrames() - 1, SYNC_PERIOD_US);
    assertThrows(InvalidInputException.class, () -> cache.syncFeatures("cam",
        SourceFrames.of(s.syncImageSize(), short15), short15));
    assertThrows(IllegalArgumentException.class, () -> new FrameFeatureCache(engine, -1));
    assertEquals(0, cache.clipFramesEncoded());
  }
}
