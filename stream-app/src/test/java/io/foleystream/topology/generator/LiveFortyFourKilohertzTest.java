package io.foleystream.topology.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.inference.FoleyEngine;
import io.foleystream.inference.RuntimeOptions;
import io.foleystream.schemas.WindowMode;
import io.foleystream.testdata.TinyFortyFourKilohertzSet;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live mode on a 44.1 kHz set, where a latent frame is 1024 samples, a window (352,800 samples)
 * is not a whole number of latent frames and the decoder's output runs 480 samples past it: a
 * live stream still publishes every sample once, in order, and its windows still continue each
 * other's latent (joins far cleaner than independent windows').
 */
class LiveFortyFourKilohertzTest {

  private static final long STREAM_MICROS = 20_000_000L;
  @TempDir
  static Path dir;
  private static FoleyEngine engine;

  @BeforeAll
  static void open() throws Exception {
    engine = FoleyEngine.open(TinyFortyFourKilohertzSet.export(dir), RuntimeOptions.defaults(),
        false);
  }

  @AfterAll
  static void close() {
    if (engine != null) {
      engine.close();
    }
  }

  @Test
  void liveWindowsContinueEachOtherAndPublishEverySampleOnce() throws Exception {
    assertEquals(44_100, engine.sampleRate());
    assertEquals(1024, engine.samplesPerLatentFrame());
    assertTrue(engine.samplesPerWindow() % engine.samplesPerLatentFrame() != 0,
        "the window is not a whole number of latent frames at 44.1 kHz");
    StreamSeams.Run live = StreamSeams.run(engine, WindowMode.LIVE, 2_000_000, STREAM_MICROS);
    StreamSeams.Run overlap = StreamSeams.run(engine, WindowMode.TUMBLING, 2_000_000,
        STREAM_MICROS);
    assertTrue(live.joins() >= 8, "a join per window after the first: " + live.joins());
    assertTrue(live.publishedSamples() > STREAM_MICROS * 44_100 / 1_000_000 / 2,
        "published " + live.publishedSamples());
    assertTrue(live.meanSeam() < overlap.meanSeam() / 10, "live " + live.meanSeam()
        + " against overlap-and-crossfade " + overlap.meanSeam());
    System.out.printf("seam error at 44.1 kHz, 20 s at hop 2 s: live %.5f, overlap-and-crossfade"
        + " %.5f%n", live.meanSeam(), overlap.meanSeam());
  }
}
