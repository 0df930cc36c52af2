package io.foleystream.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class StageTimingsTest {

  @Test
  void speedIsAudioSecondsPerWallSecondWithLoadingLeftOut() {
    StageTimings timings = new StageTimings();
    timings.add("load models", 30_000_000_000L);
    timings.add("sampling", 1_500_000_000L);
    timings.add("decoding", 500_000_000L);
    StringWriter out = new StringWriter();
    timings.print(new PrintWriter(out), 8.0, "load models");
    assertTrue(out.toString().contains("speed 4.000 x real time (8.00 s of audio in 2.00 s,"),
        out.toString());
  }
}
