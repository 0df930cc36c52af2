package io.foleystream.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Frame-accurate sync: every frame of the test video shows its own index, so the frame behind
 * every sampled grid point can be read back from the model tensors and compared with the frame
 * the rule picks, computed here with exact integer arithmetic on the container's 90 kHz ticks.
 */
class FrameSyncTest {

  private static final int WIDTH = 320;
  private static final int HEIGHT = 180;
  private static final long WINDOW_US = 8_000_000;
  private static final long[] WINDOW_STARTS_US = {0, 1_500_000};

  @TempDir static Path dir;
  private static WindowFrameExtractor extractor;

  @BeforeAll
  static void openExtractor() {
    extractor = new WindowFrameExtractor(DecoderSettings.defaults());
  }

  @AfterAll
  static void closeExtractor() {
    extractor.close();
  }

  /** A source: name, caps frame rate, frame times in ticks, B-frames. */
  record Source(String name, String framerate, long[] ticks, int bFrames) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Source constant(String name, int num, int den, int bFrames) {
    int frames = (int) (10.5 * num / den);
    return new Source(name, num + "/" + den, NumberedVideo.constantRate(num, den, frames),
        bFrames);
  }

  /** Frame gaps of 15 to 70 ms, in whole milliseconds so the ticks are exact. */
  static Source variable() {
    Random random = new Random(42);
    List<Long> ticks = new ArrayList<>();
    long t = 0;
    while (t < 10_500 * 90) {
      ticks.add(t);
      t += (15 + random.nextInt(56)) * 90L;
    }
    return new Source("vfr", "0/1", ticks.stream().mapToLong(Long::longValue).toArray(), 0);
  }

  static Stream<Source> sources() {
    return Stream.of(constant("30fps", 30, 1, 2), constant("29.97fps", 30000, 1001, 0),
        constant("25fps", 25, 1, 2), constant("24fps", 24, 1, 0), constant("15fps", 15, 1, 0),
        variable());
  }

  private static Path encode(Source source) throws Exception {
    return NumberedVideo.encode(dir, source.name(), WIDTH, HEIGHT, source.framerate(),
        source.ticks(), NumberedVideo.Encoding.h264Ts(6, source.bFrames()));
  }

  private static List<MediaChunk> wholeFile(Path file, long[] ticks) throws Exception {
    long lastUs = ticks[ticks.length - 1] * 1_000_000 / NumberedVideo.TICKS_PER_SECOND;
    return List.of(new MediaChunk(Files.readAllBytes(file), ContainerType.MPEG_TS, 0,
        lastUs + 40_000));
  }

  private static List<MediaChunk> segmented(Path file, long chunkUs) throws Exception {
    List<MediaChunk> chunks = new ArrayList<>();
    new ChunkSegmenter(new SegmenterSettings(chunkUs, SegmenterSettings.Reencode.AUTO, 1000))
        .run(new VideoSource.Uri(file.toUri().toString()), chunks::add);
    return chunks;
  }

  /** The first frame at or after grid point j, by exact integer comparison; -1 if none. */
  static int expectedFrame(long[] ticks, long windowStartUs, int fps, int j) {
    for (int k = 0; k < ticks.length; k++) {
      boolean atOrAfter = ticks[k] * fps * 1_000_000L
          >= (windowStartUs * fps + j * 1_000_000L) * NumberedVideo.TICKS_PER_SECOND;
      boolean notAfterEnd =
          ticks[k] * 1_000_000L <= (windowStartUs + WINDOW_US) * NumberedVideo.TICKS_PER_SECOND;
      if (atOrAfter) {
        return notAfterEnd ? k : -1;
      }
    }
    return -1;
  }

  private static long expectedPtsUs(long[] ticks, int k) {
    return Math.round(ticks[k] * 1_000_000.0 / NumberedVideo.TICKS_PER_SECOND);
  }

  /** Checks one branch: every covered grid point shows the expected frame at the expected time. */
  private static void assertBranch(String what, SampledFrames frames, long[] ticks, long startUs,
      int fps, NumberedVideo.Placement placement, float threshold) {
    long[] pts = frames.sourcePtsUs();
    int covered = 0;
    for (int j = 0; j < frames.count(); j++) {
      int expected = expectedFrame(ticks, startUs, fps, j);
      if (expected < 0) {
        assertEquals(SampledFrames.NO_FRAME, pts[j], what + " point " + j + " has no frame");
        continue;
      }
      covered++;
      assertEquals(expectedPtsUs(ticks, expected), pts[j], what + " point " + j + " time");
      int shown = NumberedVideo.read(frames.data(), j, frames.size(), placement, threshold);
      assertEquals(expected, shown, what + " point " + j + " shows the wrong frame");
    }
    assertEquals(covered, frames.covered(), what + " covered count");
  }

  private static void assertWindow(String what, WindowFrames window, long[] ticks, long startUs) {
    float clipMid = FramePreprocessor.clip().lut(0, 128);
    float syncMid = FramePreprocessor.synchformer().lut(0, 128);
    assertBranch(what + " clip", window.clip(), ticks, startUs, 8,
        NumberedVideo.clip(384), clipMid);
    assertBranch(what + " sync", window.sync(), ticks, startUs, 25,
        NumberedVideo.sync(WIDTH, HEIGHT, 224), syncMid);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("sources")
  void everySampledFrameIsTheOneTheRulePicks(Source source) throws Exception {
    Path file = encode(source);
    for (List<MediaChunk> chunks : List.of(wholeFile(file, source.ticks()),
        segmented(file, 2_000_000))) {
      assertEquals(0, chunks.get(0).startUs(), "the stream starts at its first frame");
      for (long start : WINDOW_STARTS_US) {
        WindowFrames window = extractor.extract(chunks, start, WINDOW_US);
        assertWindow(source + " (" + chunks.size() + " chunks) at " + start, window,
            source.ticks(), start);
      }
    }
  }

  static Stream<Arguments> chunkBoundarySources() {
    return Stream.of(Arguments.of(constant("29.97fps-b", 30000, 1001, 2)),
        Arguments.of(variable()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("chunkBoundarySources")
  void theSameFramesComeOutWhateverTheChunking(Source source) throws Exception {
    Path file = encode(source);
    WindowFrames reference = extractor.extract(wholeFile(file, source.ticks()), 1_500_000,
        WINDOW_US);
    assertWindow(source + " as one chunk", reference, source.ticks(), 1_500_000);
    for (long chunkUs : new long[] {1_000_000, 2_000_000, 3_300_000}) {
      List<MediaChunk> chunks = segmented(file, chunkUs);
      assertTrue(chunks.size() >= 10_000_000 / chunkUs, "cut into " + chunks.size());
      WindowFrames window = extractor.extract(chunks, 1_500_000, WINDOW_US);
      String what = source + " in " + chunkUs + " us chunks";
      assertArrayEquals(reference.clip().sourcePtsUs(), window.clip().sourcePtsUs(), what);
      assertArrayEquals(reference.sync().sourcePtsUs(), window.sync().sourcePtsUs(), what);
      assertArrayEquals(reference.clip().data(), window.clip().data(), what + " clip pixels");
      assertArrayEquals(reference.sync().data(), window.sync().data(), what + " sync pixels");
    }
  }

  @Test
  void aWholeFileIsSampledLikeItsChunksAndIgnoresTheChunkFrameLimit() throws Exception {
    Source source = constant("24fps-file", 24, 1, 0);
    Path file = encode(source);
    DecoderSettings d = DecoderSettings.defaults();
    try (WindowFrameExtractor strict = new WindowFrameExtractor(new DecoderSettings(
        d.maxFrameWidth(), d.maxFrameHeight(), 20, d.maxChunkBytes(), d.stallTimeoutMs(),
        d.timingToleranceUs()))) {
      WindowFrames window = strict.extract(file, 1_500_000, WINDOW_US);
      assertWindow("file", window, source.ticks(), 1_500_000);
    }
  }

  @Test
  void theEndOfTheStreamLeavesTheTailUncoveredAndSaysSo() throws Exception {
    Source source = constant("25fps-end", 25, 1, 0);
    Path file = encode(source);
    WindowFrames window = extractor.extract(segmented(file, 2_000_000), 6_000_000, WINDOW_US);
    long[] ticks = source.ticks();
    assertWindow("window past the end", window, ticks, 6_000_000);
    int lastFrame = ticks.length - 1;
    assertEquals(36, window.clip().covered(), "8 fps points up to the last frame at 10.44 s");
    assertEquals(lastFrame - 150 + 1, window.sync().covered());
    SampledFrames clip = window.clip();
    int frame = 3 * 384 * 384;
    float[] data = clip.data();
    for (int i = clip.covered(); i < clip.count(); i++) {
      assertArrayEquals(java.util.Arrays.copyOfRange(data, (clip.covered() - 1) * frame,
          clip.covered() * frame), java.util.Arrays.copyOfRange(data, i * frame,
          (i + 1) * frame), "uncovered rows repeat the last covered frame");
    }
  }
}
