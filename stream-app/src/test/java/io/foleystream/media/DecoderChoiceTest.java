package io.foleystream.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which decoders each choice keeps away from decodebin, on hosts with and without nvcodec. */
class DecoderChoiceTest {

  private static final Set<String> CPU_HOST = Set.of("avdec_h264", "avdec_h265");
  private static final Set<String> GPU_HOST =
      Set.of("avdec_h264", "avdec_h265", "nvh264dec", "nvh265dec");
  private static final Set<String> H264_ONLY_GPU = Set.of("avdec_h264", "avdec_h265", "nvh264dec");

  @Test
  void autoUsesNvidiaWherePresentAndLibavElsewhere() throws MediaException {
    assertEquals(Set.of("avdec_h264", "avdec_h265"),
        DecoderChoice.AUTO.excludedDecoders(GPU_HOST::contains));
    assertEquals(Set.of("nvh264dec", "nvh265dec"),
        DecoderChoice.AUTO.excludedDecoders(CPU_HOST::contains));
    assertEquals(Set.of("avdec_h264", "nvh265dec"),
        DecoderChoice.AUTO.excludedDecoders(H264_ONLY_GPU::contains));
  }

  @Test
  void libavNeverUsesNvidia() throws MediaException {
    assertEquals(Set.of("nvh264dec", "nvh265dec"),
        DecoderChoice.LIBAV.excludedDecoders(GPU_HOST::contains));
    assertEquals(Set.of("nvh264dec", "nvh265dec"),
        DecoderChoice.LIBAV.excludedDecoders(CPU_HOST::contains));
  }

  @Test
  void nvcodecRequiresTheNvidiaH264Decoder() throws MediaException {
    assertEquals(Set.of("avdec_h264", "avdec_h265"),
        DecoderChoice.NVCODEC.excludedDecoders(GPU_HOST::contains));
    assertEquals(Set.of("avdec_h264", "nvh265dec"),
        DecoderChoice.NVCODEC.excludedDecoders(H264_ONLY_GPU::contains));
    MediaException e = assertThrows(MediaException.class,
        () -> DecoderChoice.NVCODEC.excludedDecoders(CPU_HOST::contains));
    assertEquals(MediaException.Reason.UNSUPPORTED_CODEC, e.reason());
    assertTrue(e.getMessage().contains("nvh264dec"), e.getMessage());
  }

  @Test
  void decodingFollowsTheChoice(@TempDir Path dir) throws Exception {
    Path file = NumberedVideo.encode(dir, "choice", 64, 48, "25/1",
        NumberedVideo.constantRate(25, 1, 10), NumberedVideo.Encoding.h264Ts(10, 0));
    MediaChunk chunk = new MediaChunk(NumberedVideo.bytes(file), ContainerType.MPEG_TS, 0, 400_000);
    FrameSink skipAll = FrameSink.skipEveryFrame();
    try (ChunkDecoder libav = new ChunkDecoder(DecoderSettings.defaults()
        .withDecoder(DecoderChoice.LIBAV))) {
      assertEquals(10, libav.decode(chunk, skipAll).framesDecoded());
    }
    assumeFalse(DecodingPipeline.installed("nvh264dec"), "this host has NVIDIA's decoder");
    try (ChunkDecoder nvidia = new ChunkDecoder(DecoderSettings.defaults()
        .withDecoder(DecoderChoice.NVCODEC))) {
      MediaException e = assertThrows(MediaException.class, () -> nvidia.decode(chunk, skipAll));
      assertEquals(MediaException.Reason.UNSUPPORTED_CODEC, e.reason());
    }
  }
}
