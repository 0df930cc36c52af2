package io.foleystream.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.config.ConfigException;
import io.foleystream.config.FoleystreamConfig;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The libav decoder's threads: the rule of each choice, the key, and decoding under each. */
class DecoderThreadsTest {

  private static final long HD = 1920L * 1080;
  private static final long UHD = 3840L * 2160;

  @Test
  void autoGivesOneThreadUpTo1080pAndLeavesLargerSourcesToLibav() {
    assertEquals(1, DecoderThreads.AUTO.maxThreadsFor(HD));
    assertEquals(1, DecoderThreads.AUTO.maxThreadsFor(1920L * 1088));
    assertEquals(-1, DecoderThreads.AUTO.maxThreadsFor(1920L * 1088 + 1));
    assertEquals(-1, DecoderThreads.AUTO.maxThreadsFor(UHD));
    assertEquals(-1, DecoderThreads.AUTO.maxThreadsFor(0), "size unknown: libav's choice");
  }

  @Test
  void libavAndAFixedCountApplyToEverySource() {
    assertEquals(-1, DecoderThreads.LIBAV.maxThreadsFor(HD));
    assertEquals(-1, DecoderThreads.LIBAV.maxThreadsFor(UHD));
    assertEquals(3, new DecoderThreads(3).maxThreadsFor(HD));
    assertEquals(3, new DecoderThreads(3).maxThreadsFor(UHD));
  }

  @Test
  void parsesTheKeysValuesAndRefusesOthers() {
    assertEquals(DecoderThreads.AUTO, DecoderThreads.parse("auto"));
    assertEquals(DecoderThreads.LIBAV, DecoderThreads.parse(" libav "));
    assertEquals(new DecoderThreads(4), DecoderThreads.parse("4"));
    assertEquals(new DecoderThreads(1), DecoderThreads.parse("1"));
    assertEquals(DecoderThreads.AUTO, new DecoderThreads(-1));
    for (String bad : new String[] {"0", "-1", "many", ""}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> DecoderThreads.parse(bad), bad);
      assertTrue(e.getMessage().contains("auto, libav or a positive number"), e.getMessage());
    }
    assertThrows(IllegalArgumentException.class, () -> new DecoderThreads(-2));
  }

  @Test
  void theKeyReachesTheSettingsAndABadValueNamesIt() {
    assertEquals(DecoderThreads.AUTO, DecoderSettings.from(FoleystreamConfig.of(Map.of()))
        .threads());
    assertEquals(new DecoderThreads(2), DecoderSettings.from(FoleystreamConfig.of(
        Map.of("foleystream.media.decoder.threads", "2"))).threads());
    ConfigException e = assertThrows(ConfigException.class, () -> DecoderSettings.from(
        FoleystreamConfig.of(Map.of("foleystream.media.decoder.threads", "lots"))));
    assertTrue(e.getMessage().startsWith("foleystream.media.decoder.threads: "),
        e.getMessage());
  }

  @Test
  void everyChoiceDecodesEveryFrame(@TempDir Path dir) throws Exception {
    Path file = NumberedVideo.encode(dir, "threads", 64, 48, "25/1",
        NumberedVideo.constantRate(25, 1, 10), NumberedVideo.Encoding.h264Ts(10, 0));
    MediaChunk chunk = new MediaChunk(NumberedVideo.bytes(file), ContainerType.MPEG_TS, 0,
        400_000);
    FrameSink skipAll = FrameSink.skipEveryFrame();
    for (DecoderThreads threads : new DecoderThreads[] {DecoderThreads.AUTO,
        DecoderThreads.LIBAV, new DecoderThreads(2)}) {
      try (ChunkDecoder decoder = new ChunkDecoder(DecoderSettings.defaults()
          .withDecoder(DecoderChoice.LIBAV).withThreads(threads))) {
        assertEquals(10, decoder.decode(chunk, skipAll).framesDecoded(), threads.toString());
      }
    }
  }
}
