package io.foleystream.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.config.ConfigKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.freedesktop.gstreamer.Caps;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hard source size limit: judged on the stream header's caps, before a decoder runs, for
 * every codec and container the decoder takes; sources between the scale cap and the limit are
 * still scaled.
 */
class SourceSizeLimitTest {

  private static final int WIDTH = 160;
  private static final int HEIGHT = 96;
  private static final int SMALL_WIDTH = 64;
  private static final int SMALL_HEIGHT = 48;
  private static final int FRAMES = 10;
  private static final long DURATION_US = FRAMES * 40_000L;

  /** One codec in one container. */
  private record Clip(String name, MediaChunk large, MediaChunk small) {}

  @TempDir static Path dir;
  private static final List<Clip> clips = new ArrayList<>();

  @BeforeAll
  static void encodeClips() throws Exception {
    encode("h264-ts", NumberedVideo.Encoding.h264Ts(FRAMES, 0), ContainerType.MPEG_TS);
    encode("h264-mp4", new NumberedVideo.Encoding("x264enc speed-preset=ultrafast ! h264parse",
        "mp4mux", ".mp4"), ContainerType.MP4);
    encode("h265-ts", new NumberedVideo.Encoding("x265enc speed-preset=ultrafast ! h265parse",
        "mpegtsmux", ".ts"), ContainerType.MPEG_TS);
    encode("vp9-webm", new NumberedVideo.Encoding("vp9enc deadline=1 cpu-used=8", "webmmux",
        ".webm"), ContainerType.MATROSKA);
  }

  private static void encode(String name, NumberedVideo.Encoding encoding, ContainerType type)
      throws Exception {
    long[] ticks = NumberedVideo.constantRate(25, 1, FRAMES);
    MediaChunk large = new MediaChunk(Files.readAllBytes(NumberedVideo.encode(dir, name, WIDTH,
        HEIGHT, "25/1", ticks, encoding)), type, 0, DURATION_US);
    MediaChunk small = new MediaChunk(Files.readAllBytes(NumberedVideo.encode(dir,
        name + "-small", SMALL_WIDTH, SMALL_HEIGHT, "25/1", ticks, encoding)), type, 0,
        DURATION_US);
    clips.add(new Clip(name, large, small));
  }

  /** Takes every frame and counts every frame it was offered. */
  private static final class CountingSink implements FrameSink {
    int offered;
    final List<Integer> widths = new ArrayList<>();

    @Override
    public Decision decide(long ptsUs) {
      offered++;
      return Decision.TAKE;
    }

    @Override
    public boolean accept(RgbFrame frame) {
      widths.add(frame.width());
      return true;
    }
  }

  private static DecoderSettings limitedTo(long pixels) {
    return DecoderSettings.defaults().withMaxSourcePixels(pixels);
  }

  @Test
  void aSourceAboveTheLimitIsRefusedFromItsHeaderAndTheDecoderGoesOn() throws Exception {
    long pixels = (long) WIDTH * HEIGHT;
    try (ChunkDecoder decoder = new ChunkDecoder(limitedTo(pixels - 1))) {
      for (Clip clip : clips) {
        CountingSink sink = new CountingSink();
        MediaException e = assertThrows(MediaException.class,
            () -> decoder.decode(clip.large(), sink), clip.name());
        assertEquals(MediaException.Reason.TOO_LARGE, e.reason(), clip.name() + ": " + e);
        assertTrue(e.getMessage().contains(WIDTH + "x" + HEIGHT)
            && e.getMessage().contains(ConfigKeys.DECODER_MAX_SOURCE_PIXELS.name())
            && e.getMessage().contains("before decoding"), e.getMessage());
        assertEquals(0, sink.offered, clip.name() + ": no frame may reach the sink");

        CountingSink next = new CountingSink();
        decoder.decode(clip.small(), next);
        assertEquals(FRAMES, next.widths.size(), clip.name() + " after a refusal");
      }
    }
  }

  @Test
  void aLargerSequenceHeaderInMidStreamIsRefusedBeforeItsFramesAreDecoded() throws Exception {
    long[] later = NumberedVideo.constantRate(25, 1, FRAMES);
    for (int k = 0; k < later.length; k++) {
      later[k] += FRAMES * NumberedVideo.TICKS_PER_SECOND / 25;
    }
    byte[] small = clips.get(0).small().bytes();
    byte[] large = Files.readAllBytes(NumberedVideo.encode(dir, "h264-ts-later", WIDTH, HEIGHT,
        "25/1", later, NumberedVideo.Encoding.h264Ts(FRAMES, 0)));
    byte[] both = new byte[small.length + large.length];
    System.arraycopy(small, 0, both, 0, small.length);
    System.arraycopy(large, 0, both, small.length, large.length);
    MediaChunk growing = new MediaChunk(both, ContainerType.MPEG_TS, 0, 2 * DURATION_US);
    try (ChunkDecoder decoder = new ChunkDecoder(limitedTo((long) WIDTH * HEIGHT - 1))) {
      CountingSink sink = new CountingSink();
      MediaException e = assertThrows(MediaException.class, () -> decoder.decode(growing, sink));
      assertEquals(MediaException.Reason.TOO_LARGE, e.reason(), e.toString());
      assertTrue(e.getMessage().contains(WIDTH + "x" + HEIGHT)
          && e.getMessage().contains("before decoding"), e.getMessage());
      assertTrue(sink.widths.stream().allMatch(w -> w == SMALL_WIDTH), "frames " + sink.widths);
    }
    try (ChunkDecoder decoder = new ChunkDecoder(limitedTo((long) WIDTH * HEIGHT))) {
      CountingSink sink = new CountingSink();
      decoder.decode(growing, sink);
      assertTrue(sink.widths.contains(WIDTH), "the larger part decodes under a larger limit: "
          + sink.widths);
    }
  }

  @Test
  void aSourceAtTheLimitDecodesInFull() throws Exception {
    try (ChunkDecoder decoder = new ChunkDecoder(limitedTo((long) WIDTH * HEIGHT))) {
      for (Clip clip : clips) {
        CountingSink sink = new CountingSink();
        decoder.decode(clip.large(), sink);
        assertEquals(FRAMES, sink.widths.size(), clip.name());
        assertTrue(sink.widths.stream().allMatch(w -> w == WIDTH), clip.name() + sink.widths);
      }
    }
  }

  @Test
  void aSourceBetweenTheScaleCapAndTheLimitIsScaled() throws Exception {
    DecoderSettings d = DecoderSettings.defaults();
    int cap = WIDTH / 2;
    DecoderSettings scaled = new DecoderSettings(cap, cap, (long) WIDTH * HEIGHT,
        d.maxFramesPerChunk(), d.maxChunkBytes(), d.stallTimeoutMs(), d.timingToleranceUs(),
        d.colour(), d.grid(), d.decoder(), d.threads());
    try (ChunkDecoder decoder = new ChunkDecoder(scaled)) {
      CountingSink sink = new CountingSink();
      decoder.decode(clips.get(0).large(), sink);
      assertEquals(FRAMES, sink.widths.size());
      assertTrue(sink.widths.stream().allMatch(w -> w == cap), "scaled to " + sink.widths);
    }
  }

  @Test
  void onlyVideoCapsWithAFixedSizeAreJudged() throws Exception {
    GStreamerRuntime.ensureInitialized();
    SourceSizeLimit limit = new SourceSizeLimit(640 * 480);
    assertNull(limit.refusal(new Caps("video/x-h264,stream-format=byte-stream")));
    assertNull(limit.refusal(new Caps("audio/x-raw,rate=48000,channels=2")));
    assertNull(limit.refusal(new Caps("video/x-h264,width=[1,16384],height=[1,16384]")));
    assertNull(limit.refusal(new Caps("video/x-h264,width=640,height=480")));
    assertNull(limit.refusal(new Caps("video/x-h264,width=480,height=640")));
    MediaException refused =
        limit.refusal(new Caps("video/x-h265,width=16000,height=16000"));
    assertEquals(MediaException.Reason.TOO_LARGE, refused.reason());
    assertTrue(refused.getMessage().contains("16000x16000"), refused.getMessage());
    assertEquals(MediaException.Reason.TOO_LARGE,
        limit.refusal(new Caps("video/x-vp9,width=100000,height=4")).reason());
    assertTrue(refused.getMessage().contains("before decoding"), refused.getMessage());
    assertTrue(limit.refusal(new Caps("video/x-raw,format=I420,width=1280,height=720"))
        .getMessage().contains("decoder's output"));
  }

  @Test
  void theLimitMustAdmitAPicture() {
    assertThrows(IllegalArgumentException.class,
        () -> DecoderSettings.defaults().withMaxSourcePixels(0));
    assertEquals(DecoderSettings.DEFAULT_MAX_SOURCE_PIXELS,
        new DecoderSettings(1920, 1920, 10, 1000, 1000, 0).maxSourcePixels());
  }
}
