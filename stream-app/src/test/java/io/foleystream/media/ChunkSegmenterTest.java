package io.foleystream.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkSegmenterTest {

  @TempDir Path dir;

  private static List<MediaChunk> segment(VideoSource source, SegmenterSettings settings)
      throws MediaException {
    List<MediaChunk> chunks = new ArrayList<>();
    int n = new ChunkSegmenter(settings).run(source, chunks::add);
    assertEquals(n, chunks.size());
    return chunks;
  }

  /** Chunks tile the timeline, and each decodes alone to frames inside its own range. */
  private static void assertSelfContainedAndContiguous(List<MediaChunk> chunks, long endUs)
      throws MediaException {
    assertEquals(0, chunks.get(0).startUs());
    try (ChunkDecoder decoder = new ChunkDecoder(DecoderSettings.defaults())) {
      for (int i = 0; i < chunks.size(); i++) {
        MediaChunk chunk = chunks.get(i);
        assertEquals(ContainerType.MPEG_TS, chunk.container());
        assertEquals(ContainerType.MPEG_TS, ContainerType.detect(chunk.bytes()));
        if (i + 1 < chunks.size()) {
          assertEquals(chunk.endUs(), chunks.get(i + 1).startUs(), "gap after chunk " + i);
        }
        DecodeSummary summary = decoder.decode(chunk, new ChunkDecoderTest.Collector());
        assertEquals(chunk.startUs(), summary.firstPtsUs(), "chunk " + i + " starts with a frame");
        assertTrue(summary.lastPtsUs() < chunk.endUs(), "chunk " + i + " ends inside its range");
      }
    }
    assertEquals(endUs, chunks.get(chunks.size() - 1).endUs(), 1_000);
  }

  @Test
  void reencodingCutsExactlyAtTheRequestedDuration() throws Exception {
    List<MediaChunk> chunks = segment(new VideoSource.TestPattern(320, 240, 25, 5_000_000, false),
        new SegmenterSettings(1_000_000, SegmenterSettings.Reencode.ALWAYS, 500));
    assertEquals(5, chunks.size());
    for (MediaChunk chunk : chunks) {
      assertEquals(1_000_000, chunk.durationUs(), chunk.toString());
    }
    assertSelfContainedAndContiguous(chunks, 5_000_000);
  }

  @Test
  void copyingCutsAtTheSourceKeyframesWithoutGoingOver() throws Exception {
    Path file = NumberedVideo.encode(dir, "keyframes", 160, 90, "25/1",
        NumberedVideo.constantRate(25, 1, 150), NumberedVideo.Encoding.h264Ts(10, 2));
    List<MediaChunk> chunks = segment(new VideoSource.Uri(file.toUri().toString()),
        new SegmenterSettings(1_000_000, SegmenterSettings.Reencode.AUTO, 500));
    for (MediaChunk chunk : chunks) {
      assertEquals(0, chunk.startUs() % 400_000, "keyframes every 0.4 s: " + chunk);
      assertTrue(chunk.durationUs() <= 1_000_000, chunk.toString());
    }
    assertSelfContainedAndContiguous(chunks, 6_000_000);
  }

  @Test
  void otherCodecsAreReencodedToH264() throws Exception {
    Path file = NumberedVideo.encode(dir, "vp9", 160, 90, "25/1",
        NumberedVideo.constantRate(25, 1, 75), new NumberedVideo.Encoding(
            "vp9enc deadline=1 cpu-used=8", "webmmux", ".webm"));
    List<MediaChunk> chunks = segment(VideoSource.parse(file.toString()),
        new SegmenterSettings(1_000_000, SegmenterSettings.Reencode.AUTO, 500));
    assertEquals(3, chunks.size());
    assertSelfContainedAndContiguous(chunks, 3_000_000);
  }

  @Test
  void stopEndsALiveSourceWithItsLastChunkDelivered() throws Exception {
    ChunkSegmenter segmenter = new ChunkSegmenter(
        new SegmenterSettings(500_000, SegmenterSettings.Reencode.ALWAYS, 500));
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    List<MediaChunk> chunks = new ArrayList<>();
    try {
      timer.schedule(segmenter::stop, 1_300, TimeUnit.MILLISECONDS);
      segmenter.run(new VideoSource.TestPattern(160, 120, 25, 60_000_000, true), chunks::add);
    } finally {
      timer.shutdownNow();
    }
    assertTrue(chunks.size() >= 2, "chunks " + chunks);
    long covered = chunks.get(chunks.size() - 1).endUs() - chunks.get(0).startUs();
    assertTrue(covered > 1_000_000 && covered < 3_000_000, "covered " + covered + " us");
  }

  @Test
  void aMissingFileOrAFileWithoutVideoIsATypedError() throws Exception {
    SegmenterSettings settings = SegmenterSettings.defaults();
    MediaException missing = assertThrows(MediaException.class,
        () -> segment(VideoSource.parse(dir.resolve("nothing.ts").toString()), settings));
    assertEquals(MediaException.Reason.IO, missing.reason(), missing.getMessage());
    Path audioOnly = dir.resolve("audio.mkv");
    TestFrames.run("gst-launch-1.0", "-q", "audiotestsrc", "num-buffers=20", "!", "opusenc",
        "!", "matroskamux", "!", "filesink", "location=" + audioOnly);
    MediaException noVideo = assertThrows(MediaException.class,
        () -> segment(VideoSource.parse(audioOnly.toString()), settings));
    assertEquals(MediaException.Reason.NO_VIDEO, noVideo.reason(), noVideo.getMessage());
  }

  @Test
  void parsesCommandLineSources() {
    assertEquals(new VideoSource.TestPattern(640, 360, 25, 2_500_000, false),
        VideoSource.parse("test:640x360@25:2.5"));
    assertEquals(new VideoSource.Uri("rtsp://camera/stream"),
        VideoSource.parse("rtsp://camera/stream"));
    assertTrue(((VideoSource.Uri) VideoSource.parse("clip.mp4")).uri().startsWith("file:/"));
    assertThrows(IllegalArgumentException.class, () -> VideoSource.parse("test:640x360"));
  }
}
