package io.foleystream.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live windows over remembered chunks: a window decodes only the chunks holding frames whose
 * features are not known, and every row a feature cache reads equals a full decode's.
 */
class FrameReuseTest {

  private static final long WINDOW_US = 8_000_000;
  private static final long HOP_US = 1_920_000;
  private static final long CHUNK_US = 2_000_000;
  private static final long CLIP_STEP_US = 1_000_000 / WindowFrameExtractor.CLIP_FPS;
  /** Synchformer segments: 16 frames every 8 (a property of the model, not of this video). */
  private static final int SEGMENT_FRAMES = 16;
  private static final int SEGMENT_STEP = 8;

  @TempDir static Path dir;
  private static List<MediaChunk> chunks;
  private static WindowFrameExtractor extractor;

  @BeforeAll
  static void encode() throws Exception {
    Path file = NumberedVideo.encode(dir, "live", 320, 180, "25/1",
        NumberedVideo.constantRate(25, 1, 25 * 15), NumberedVideo.Encoding.h264Ts(12, 2));
    chunks = new ArrayList<>();
    new ChunkSegmenter(new SegmenterSettings(CHUNK_US, SegmenterSettings.Reencode.AUTO, 1000))
        .run(new VideoSource.Uri(file.toUri().toString()), chunks::add);
    extractor = new WindowFrameExtractor(DecoderSettings.defaults());
  }

  @AfterAll
  static void close() {
    extractor.close();
  }

  /** A feature cache as the generator keeps one: CLIP features by frame, segments by frames. */
  private static final class Features implements KnownFrames {
    final Set<Long> clip = new HashSet<>();
    final Set<List<Long>> segments = new HashSet<>();

    @Override
    public boolean clipFrameKnown(long ptsUs) {
      return clip.contains(ptsUs);
    }

    @Override
    public boolean[] syncFramesNeeded(long[] sourcePtsUs) {
      boolean[] needed = new boolean[sourcePtsUs.length];
      for (int from = 0; from + SEGMENT_FRAMES <= sourcePtsUs.length; from += SEGMENT_STEP) {
        if (!segments.contains(segment(sourcePtsUs, from))) {
          Arrays.fill(needed, from, from + SEGMENT_FRAMES, true);
        }
      }
      return needed;
    }

    void encode(WindowFrames window) {
      for (long pts : window.clip().sourcePtsUs()) {
        clip.add(pts);
      }
      long[] sync = window.sync().sourcePtsUs();
      for (int from = 0; from + SEGMENT_FRAMES <= sync.length; from += SEGMENT_STEP) {
        List<Long> key = segment(sync, from);
        if (!key.contains(SampledFrames.NO_FRAME)) {
          segments.add(key);
        }
      }
    }

    static List<Long> segment(long[] pts, int from) {
      return Arrays.stream(pts, from, from + SEGMENT_FRAMES).boxed().toList();
    }
  }

  /** Nothing known: every chunk decoded, every row prepared. */
  private static final KnownFrames NOTHING = new KnownFrames() {
    @Override
    public boolean clipFrameKnown(long ptsUs) {
      return false;
    }

    @Override
    public boolean[] syncFramesNeeded(long[] sourcePtsUs) {
      boolean[] all = new boolean[sourcePtsUs.length];
      Arrays.fill(all, true);
      return all;
    }
  };

  private static long clipGridStart(long windowStartUs) {
    return Math.floorDiv(windowStartUs + CLIP_STEP_US / 2, CLIP_STEP_US) * CLIP_STEP_US;
  }

  private static WindowFrames full(long start) throws MediaException {
    return extractor.extract(chunks, start, clipGridStart(start), WINDOW_US, NOTHING,
        new ChunkFrameTimes(64));
  }

  /** Every row the cache reads (frames whose features it lacks) equals the full decode's. */
  private static void assertReadRowsEqual(String what, WindowFrames expected, WindowFrames actual,
      Features known) {
    assertArrayEquals(expected.clip().sourcePtsUs(), actual.clip().sourcePtsUs(), what);
    assertArrayEquals(expected.sync().sourcePtsUs(), actual.sync().sourcePtsUs(), what);
    long[] clipPts = actual.clip().sourcePtsUs();
    int clipRow = actual.clip().data().length / clipPts.length;
    for (int i = 0; i < clipPts.length; i++) {
      if (!known.clipFrameKnown(clipPts[i])) {
        assertArrayEquals(Arrays.copyOfRange(expected.clip().data(), i * clipRow,
            (i + 1) * clipRow), Arrays.copyOfRange(actual.clip().data(), i * clipRow,
            (i + 1) * clipRow), what + " CLIP row " + i);
      }
    }
    boolean[] needed = known.syncFramesNeeded(actual.sync().sourcePtsUs());
    int syncRow = actual.sync().data().length / needed.length;
    for (int i = 0; i < needed.length; i++) {
      if (needed[i]) {
        assertArrayEquals(Arrays.copyOfRange(expected.sync().data(), i * syncRow,
            (i + 1) * syncRow), Arrays.copyOfRange(actual.sync().data(), i * syncRow,
            (i + 1) * syncRow), what + " sync row " + i);
      }
    }
  }

  @Test
  void liveWindowsDecodeOnlyTheirNewChunksAndReadTheSameRows() throws Exception {
    Features known = new Features();
    ChunkFrameTimes times = new ChunkFrameTimes(64);
    long lastStart = chunks.get(chunks.size() - 1).endUs() - WINDOW_US;
    int windows = 0;
    for (long start = 0; start <= lastStart; start += HOP_US) {
      long decodedBefore = extractor.chunksDecoded();
      long replayedBefore = extractor.chunksReplayed();
      times.forgetEndingBy(Math.min(start, clipGridStart(start)));
      WindowFrames live = extractor.extract(chunks, start, clipGridStart(start), WINDOW_US,
          known, times);
      long decoded = extractor.chunksDecoded() - decodedBefore;
      long replayed = extractor.chunksReplayed() - replayedBefore;
      long windowStart = start;
      long inWindow = chunks.stream().filter(c -> c.endUs() > clipGridStart(windowStart)
          && c.startUs() <= windowStart + WINDOW_US).count();
      assertReadRowsEqual("window at " + start, full(start), live, known);
      if (start > 0) {
        assertTrue(decoded <= 2, "window at " + start + " decoded " + decoded + " of "
            + inWindow + " chunks");
        assertTrue(replayed >= inWindow - 3, "window at " + start + " replayed " + replayed);
      } else {
        assertEquals(0, replayed, "the first window has nothing to replay");
      }
      known.encode(live);
      windows++;
    }
    assertTrue(windows >= 4, "windows: " + windows);
  }

  @Test
  void featuresForgottenWhileTheWindowIsDecodedFallBackToAFullDecode() throws Exception {
    Features known = new Features();
    ChunkFrameTimes times = new ChunkFrameTimes(64);
    known.encode(extractor.extract(chunks, 0, 0, WINDOW_US, known, times));
    long start = HOP_US;
    // Answers from the features for the plan, then as if they were all evicted.
    KnownFrames forgetting = new KnownFrames() {
      private boolean planned;

      @Override
      public boolean clipFrameKnown(long ptsUs) {
        return !planned && known.clipFrameKnown(ptsUs);
      }

      @Override
      public boolean[] syncFramesNeeded(long[] sourcePtsUs) {
        boolean[] needed = planned ? NOTHING.syncFramesNeeded(sourcePtsUs)
            : known.syncFramesNeeded(sourcePtsUs);
        planned = true;
        return needed;
      }
    };
    long decodedBefore = extractor.chunksDecoded();
    WindowFrames live = extractor.extract(chunks, start, clipGridStart(start), WINDOW_US,
        forgetting, times);
    WindowFrames full = full(start);
    assertArrayEquals(full.clip().data(), live.clip().data(), "every CLIP row decoded");
    assertArrayEquals(full.sync().data(), live.sync().data(), "every sync row decoded");
    assertTrue(extractor.chunksDecoded() - decodedBefore > 5, "decoded once more in full");
  }

  @Test
  void framesRememberedWronglyAreReplacedOnceTheChunkIsDecoded() throws Exception {
    Features known = new Features();
    ChunkFrameTimes times = new ChunkFrameTimes(64);
    known.encode(extractor.extract(chunks, 0, 0, WINDOW_US, known, times));
    MediaChunk second = chunks.get(1);
    long[] wrong = times.of(second).framePtsUs();
    for (int i = 0; i < wrong.length; i++) {
      wrong[i] += 20_000;
    }
    times.remember(second, wrong, true);
    long start = HOP_US;
    WindowFrames live = extractor.extract(chunks, start, clipGridStart(start), WINDOW_US, known,
        times);
    assertReadRowsEqual("misremembered chunk", full(start), live, known);
    assertEquals(second.startUs(), times.of(second).framePtsUs()[0], "its real frames now");
  }

  @Test
  void chunksDecodedInPartAreRememberedAsAPrefix() throws Exception {
    ChunkFrameTimes times = new ChunkFrameTimes(64);
    extractor.extract(chunks, 0, 0, WINDOW_US, NOTHING, times);
    for (MediaChunk chunk : chunks) {
      ChunkFrameTimes.Remembered remembered = times.of(chunk);
      if (chunk.startUs() > WINDOW_US) {
        assertEquals(null, remembered, chunk + " lies after the window");
        continue;
      }
      long[] pts = remembered.framePtsUs();
      assertEquals(chunk.startUs(), pts[0], "the first frame of " + chunk);
      if (chunk.endUs() < WINDOW_US) {
        assertTrue(remembered.complete(), chunk + " was decoded to its end");
        assertEquals(chunk.durationUs() / 40_000, pts.length, "every frame of " + chunk);
      } else {
        assertTrue(!remembered.complete(), chunk + " was decoded up to the window end");
        assertTrue(pts[pts.length - 1] >= WINDOW_US - 40_000 && pts[pts.length - 1] <= WINDOW_US,
            "its frames up to the last grid point: " + pts[pts.length - 1]);
      }
    }
    MediaChunk first = chunks.get(0);
    times.remember(first, new long[] {first.startUs()}, false);
    assertTrue(times.of(first).complete(), "a prefix does not replace the whole list");
    times.forgetEndingBy(first.endUs());
    assertEquals(null, times.of(first));
    assertTrue(times.of(chunks.get(1)) != null);
  }
}
