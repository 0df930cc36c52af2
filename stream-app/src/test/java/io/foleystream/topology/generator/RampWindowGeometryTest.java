package io.foleystream.topology.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.inference.DecoderMargin;
import io.foleystream.inference.SequenceConfig;
import io.foleystream.inference.SequenceLengths;
import io.foleystream.media.SamplingGrid;
import io.foleystream.schemas.WindowMode;
import io.foleystream.topology.timeline.StreamTimeline;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every ramp-up window a live stream can have, at every hop, is one the engine generates at
 * exactly its length and whose frame grids give exactly the features that length takes: the
 * timeline's sample counts, the task's microseconds, the media package's grids and the official
 * duration arithmetic ({@link SequenceLengths}, in double precision) agree.
 */
class RampWindowGeometryTest {

  @ParameterizedTest
  @CsvSource({"256, 16000", "512, 44100"})
  void everyRampWindowHasTheGeometryOfItsLength(int stftHop, int rate) {
    int latent = (int) Math.ceil(8.0 * rate / stftHop / 2);
    SequenceConfig base = new SequenceConfig(latent, 20, 64, 64, 192, 77, 1024, 768, 1024, 8, 25,
        64, 200, 16, 8, 384, 224, latent * 2 * stftHop, 80, 11);
    int frame = 2 * stftHop;
    StreamTimeline t = new StreamTimeline(WindowMode.LIVE, 0, rate,
        StreamTimeline.samplesIn(8_000_000, rate), frame, DecoderMargin.defaultSamples(frame));
    int checked = 0;
    for (long hop = t.hopSamples(1); hop <= t.windowSamples() - t.marginSamples();
        hop += (long) t.hopUnitFrames() * frame) {
      for (long samples = t.firstWindowSamples(hop); samples < t.windowSamples();
          samples += hop) {
        String what = samples + " samples at hop " + hop;
        long micros = t.micros(samples) - t.micros(0);
        assertEquals(samples, StreamTimeline.samplesIn(micros, rate), what);
        double durationS = samples / (double) rate;
        SequenceConfig s = SequenceLengths.at(base, rate, durationS);
        assertEquals((samples + frame - 1) / frame, s.latentLen(), what);
        assertEquals(samples, Math.min(s.samples(), Math.round(durationS * rate)), what);
        assertEquals(new SamplingGrid(0, micros, 8, 1).count(), s.clipLen(), what);
        assertEquals(new SamplingGrid(0, micros, 25, 1).count(), s.syncFrames(), what);
        assertTrue(s.syncSegments() >= 1, what);
        checked++;
      }
    }
    assertTrue(checked > 50, "ramp windows checked: " + checked);
  }
}
