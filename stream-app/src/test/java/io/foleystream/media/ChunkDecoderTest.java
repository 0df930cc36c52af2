package io.foleystream.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkDecoderTest {

  private static final int WIDTH = 160;
  private static final int HEIGHT = 90;

  @TempDir static Path dir;
  private static List<MediaChunk> chunks;
  private static ChunkDecoder decoder;

  @BeforeAll
  static void makeChunks() throws Exception {
    Path file = NumberedVideo.encode(dir, "decoder", WIDTH, HEIGHT, "25/1",
        NumberedVideo.constantRate(25, 1, 100), NumberedVideo.Encoding.h264Ts(25, 0));
    chunks = new ArrayList<>();
    new ChunkSegmenter(new SegmenterSettings(2_000_000, SegmenterSettings.Reencode.AUTO, 500))
        .run(new VideoSource.Uri(file.toUri().toString()), chunks::add);
    decoder = new ChunkDecoder(DecoderSettings.defaults());
  }

  @AfterAll
  static void closeDecoder() {
    decoder.close();
  }

  /** Collects the time and the shown number of every frame. */
  static final class Collector implements FrameSink {
    final List<Long> pts = new ArrayList<>();
    final List<Integer> widths = new ArrayList<>();
    private final int stopAfter;

    Collector(int stopAfter) {
      this.stopAfter = stopAfter;
    }

    Collector() {
      this(Integer.MAX_VALUE);
    }

    @Override
    public Decision decide(long ptsUs) {
      return Decision.TAKE;
    }

    @Override
    public boolean accept(RgbFrame frame) {
      pts.add(frame.ptsUs());
      widths.add(frame.width());
      return pts.size() < stopAfter;
    }

    long[] times() {
      return pts.stream().mapToLong(Long::longValue).toArray();
    }
  }

  private static long[] expectedTimes(long startUs, int count) {
    long[] t = new long[count];
    Arrays.setAll(t, k -> startUs + k * 40_000L);
    return t;
  }

  private static void assertDecodesCleanly(ChunkDecoder d) throws MediaException {
    Collector c = new Collector();
    DecodeSummary summary = d.decode(chunks.get(1), c);
    assertEquals(50, summary.framesDecoded());
    assertArrayEquals(expectedTimes(2_000_000, 50), c.times());
  }

  private static MediaException.Reason failure(MediaChunk chunk) {
    return assertThrows(MediaException.class, () -> decoder.decode(chunk, new Collector()))
        .reason();
  }

  @Test
  void placesFramesOnTheDeclaredTimeline() throws Exception {
    assertEquals(2, chunks.size());
    assertEquals(2_000_000, chunks.get(1).startUs());
    assertDecodesCleanly(decoder);
  }

  @Test
  void anEmptyChunkIsRefused() throws Exception {
    assertEquals(MediaException.Reason.EMPTY,
        failure(new MediaChunk(new byte[0], ContainerType.MPEG_TS, 0, 1_000_000)));
    assertDecodesCleanly(decoder);
  }

  @Test
  void garbageOrTheWrongContainerIsRefusedBeforeGStreamerSeesIt() throws Exception {
    byte[] garbage = new byte[100_000];
    new Random(1).nextBytes(garbage);
    assertEquals(MediaException.Reason.UNSUPPORTED_CONTAINER,
        failure(new MediaChunk(garbage, ContainerType.MPEG_TS, 0, 2_000_000)));
    assertEquals(MediaException.Reason.UNSUPPORTED_CONTAINER,
        failure(new MediaChunk(chunks.get(0).bytes(), ContainerType.MP4, 0, 2_000_000)));
    assertDecodesCleanly(decoder);
  }

  @Test
  void aTruncatedChunkIsReportedAsTruncated() throws Exception {
    byte[] bytes = chunks.get(0).bytes();
    byte[] half = Arrays.copyOf(bytes, bytes.length / 2 / 188 * 188);
    assertEquals(MediaException.Reason.TRUNCATED,
        failure(new MediaChunk(half, ContainerType.MPEG_TS, 0, 2_000_000)));
    assertDecodesCleanly(decoder);
  }

  @Test
  void damagedPacketsGiveATypedErrorAndTheDecoderGoesOn() throws Exception {
    byte[] bytes = chunks.get(0).bytes().clone();
    Random random = new Random(7);
    for (int p = 2; p < bytes.length / 188; p += 3) {
      for (int i = 4; i < 188; i++) {
        bytes[p * 188 + i] = (byte) random.nextInt();
      }
    }
    MediaException.Reason reason =
        failure(new MediaChunk(bytes, ContainerType.MPEG_TS, 0, 2_000_000));
    assertTrue(reason == MediaException.Reason.CORRUPT
        || reason == MediaException.Reason.BAD_TIMESTAMPS
        || reason == MediaException.Reason.TRUNCATED, "reason " + reason);
    assertDecodesCleanly(decoder);
  }

  @Test
  void framesOutsideTheDeclaredRangeAreBadTimestamps() throws Exception {
    MediaChunk chunk = chunks.get(0);
    assertEquals(MediaException.Reason.BAD_TIMESTAMPS,
        failure(new MediaChunk(chunk.bytes(), chunk.container(), 0, 500_000)));
    assertDecodesCleanly(decoder);
  }

  @Test
  void aStreamWithoutVideoIsNoVideo() throws Exception {
    Path audioOnly = dir.resolve("audio.mkv");
    TestFrames.run("gst-launch-1.0", "-q", "audiotestsrc", "num-buffers=20", "!",
        "opusenc", "!", "matroskamux", "!", "filesink", "location=" + audioOnly);
    assertEquals(MediaException.Reason.NO_VIDEO, failure(new MediaChunk(
        Files.readAllBytes(audioOnly), ContainerType.MATROSKA, 0, 400_000)));
    assertDecodesCleanly(decoder);
  }

  @Test
  void limitsBoundFramesBytesAndResolution() throws Exception {
    DecoderSettings d = DecoderSettings.defaults();
    try (ChunkDecoder few = new ChunkDecoder(new DecoderSettings(d.maxFrameWidth(),
        d.maxFrameHeight(), 10, d.maxChunkBytes(), d.stallTimeoutMs(), d.timingToleranceUs()))) {
      assertEquals(MediaException.Reason.TOO_LARGE, assertThrows(MediaException.class,
          () -> few.decode(chunks.get(0), new Collector())).reason());
      assertDecodesCleanlyWithin(few, 5);
    }
    try (ChunkDecoder small = new ChunkDecoder(new DecoderSettings(d.maxFrameWidth(),
        d.maxFrameHeight(), d.maxFramesPerChunk(), 1000, d.stallTimeoutMs(),
        d.timingToleranceUs()))) {
      assertEquals(MediaException.Reason.TOO_LARGE, assertThrows(MediaException.class,
          () -> small.decode(chunks.get(0), new Collector())).reason());
    }
    try (ChunkDecoder capped = new ChunkDecoder(new DecoderSettings(80, 80,
        d.maxFramesPerChunk(), d.maxChunkBytes(), d.stallTimeoutMs(), d.timingToleranceUs()))) {
      Collector c = new Collector();
      capped.decode(chunks.get(0), c);
      assertTrue(c.widths.stream().allMatch(w -> w == 80), "160x90 scaled into 80x80: " + c.widths);
    }
  }

  private static void assertDecodesCleanlyWithin(ChunkDecoder d, int maxFrames)
      throws MediaException {
    Collector c = new Collector(maxFrames);
    d.decode(chunks.get(1), c);
    assertEquals(2_000_000, c.times()[0]);
  }

  @Test
  void aSinkCanStopDecodingEarly() throws Exception {
    Collector c = new Collector(5);
    DecodeSummary summary = decoder.decode(chunks.get(0), c);
    assertTrue(summary.stoppedEarly());
    assertEquals(5, c.pts.size());
    assertDecodesCleanly(decoder);
  }

  @Test
  void decodesMp4AndMatroskaAndH265Chunks() throws Exception {
    long[] ticks = NumberedVideo.constantRate(25, 1, 25);
    NumberedVideo.Encoding mp4 = new NumberedVideo.Encoding(
        "x264enc speed-preset=ultrafast ! h264parse", "mp4mux", ".mp4");
    NumberedVideo.Encoding webm = new NumberedVideo.Encoding(
        "vp9enc deadline=1 cpu-used=8", "webmmux", ".webm");
    NumberedVideo.Encoding hevc = new NumberedVideo.Encoding(
        "x265enc speed-preset=ultrafast ! h265parse", "mpegtsmux", ".ts");
    NumberedVideo.Encoding[] encodings = {mp4, webm, hevc};
    ContainerType[] types = {ContainerType.MP4, ContainerType.MATROSKA, ContainerType.MPEG_TS};
    for (int i = 0; i < encodings.length; i++) {
      Path file = NumberedVideo.encode(dir, "container" + i, WIDTH, HEIGHT, "25/1", ticks,
          encodings[i]);
      byte[] bytes = Files.readAllBytes(file);
      assertEquals(types[i], ContainerType.detect(bytes), file.toString());
      Collector c = new Collector();
      decoder.decode(new MediaChunk(bytes, types[i], 5_000_000, 1_000_000), c);
      assertArrayEquals(expectedTimes(5_000_000, 25), c.times(), file.toString());
    }
  }
}
