package io.foleystream.topology.generator;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.inference.FoleyEngine;
import io.foleystream.inference.RuntimeOptions;
import io.foleystream.schemas.WindowMode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The seams of a 60 s stream at a 2 s hop on the tiny model set, through the generation step
 * itself: live windows continue each other's latent, so their joins are two renderings of the
 * same latents; tumbling and overlap-and-crossfade windows are independent generations.
 */
class LiveSeamTest {

  private static final Path MODELS = Path.of("..", "onnx-models", "fixtures", "tiny",
      "model-set");
  private static final long STREAM_MICROS = 60_000_000L;
  private static FoleyEngine engine;

  @BeforeAll
  static void open() {
    engine = FoleyEngine.open(MODELS, RuntimeOptions.defaults(), false);
  }

  @AfterAll
  static void close() {
    engine.close();
  }

  @Test
  void liveJoinsAreTenTimesCleanerThanIndependentWindows() throws Exception {
    StreamSeams.Run live = StreamSeams.run(engine, WindowMode.LIVE, 2_000_000, STREAM_MICROS);
    StreamSeams.Run overlap = StreamSeams.run(engine, WindowMode.TUMBLING, 2_000_000,
        STREAM_MICROS);
    StreamSeams.Run tumbling = StreamSeams.run(engine, WindowMode.TUMBLING, 8_000_000,
        STREAM_MICROS);
    assertTrue(live.joins() >= 25, "a join per window after the first: " + live.joins());
    assertTrue(live.meanSeam() < overlap.meanSeam() / 10, "live " + live.meanSeam()
        + " against overlap-and-crossfade " + overlap.meanSeam());
    // A tumbling join has one rendering on each side; its seam error is the step between them,
    // which on this untrained set is small because both windows' zero-padded edges are quiet
    // (the level dips instead). Live joins are still several times cleaner than that step.
    assertTrue(live.meanSeam() < tumbling.meanSeam() / 3, "live " + live.meanSeam()
        + " against tumbling " + tumbling.meanSeam());
    System.out.printf("seam error, 60 s at hop 2 s: live %.5f, overlap-and-crossfade %.5f,"
        + " tumbling %.5f%n", live.meanSeam(), overlap.meanSeam(), tumbling.meanSeam());
  }
}
