package io.foleystream.topology.timeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.schemas.WindowMode;
import org.junit.jupiter.api.Test;

class StreamTimelineTest {

  private static StreamTimeline live16k(long margin) {
    return new StreamTimeline(WindowMode.LIVE, 1_000L, 16_000, 128_000, 512, margin);
  }

  @Test
  void aLiveHopAt16kHzIsTheNearestMultipleOfTenLatentFramesSoSegmentsRepeat() {
    StreamTimeline t = live16k(5120);
    assertEquals(10, t.hopUnitFrames(), "10 x 32 ms = 320 ms = 8 frames at 25 fps");
    assertEquals(60 * 512, t.hopSamples(2_000_000), "1.92 s is the nearest multiple");
    assertEquals(70 * 512, t.hopSamples(2_100_000));
    assertEquals(10 * 512, t.hopSamples(1), "at least one unit");
    assertEquals(240 * 512, t.hopSamples(8_000_000),
        "at most the window minus the margin, in whole units");
  }

  @Test
  void aLiveHopAt44kHzIsTheNearestWholeNumberOfLatentFrames() {
    StreamTimeline hifi = new StreamTimeline(WindowMode.LIVE, 0, 44_100, 352_800, 1024, 4096);
    assertEquals(1, hifi.hopUnitFrames(), "441 frames would be longer than the window");
    assertEquals(86 * 1024, hifi.hopSamples(2_000_000), "88200 samples are 86.13 frames");
    assertEquals(87 * 1024, hifi.hopSamples(2_020_000), "86.99 frames round up");
  }

  @Test
  void aTumblingHopIsWholeSamplesUpToTheWindow() {
    StreamTimeline t = new StreamTimeline(WindowMode.TUMBLING, 0, 16_000, 128_000, 512, 999);
    assertEquals(0, t.marginSamples(), "tumbling windows keep no margin");
    assertEquals(128_000, t.hopSamples(8_000_000));
    assertEquals(128_000, t.hopSamples(9_000_000));
    assertEquals(53_333, t.hopSamples(3_333_333));
  }

  @Test
  void windowStartsDoNotDriftOverADay() {
    StreamTimeline t = new StreamTimeline(WindowMode.LIVE, 5_000_000L, 44_100, 352_800, 1024,
        4096);
    long hop = t.hopSamples(2_000_000);
    long windows = 24L * 3600 * 44_100 / hop;
    long offset = windows * hop;
    long exact = 5_000_000L + offset * 1_000_000L / 44_100;
    assertEquals(exact, t.micros(offset), "the start of the last window of the day");
    assertTrue(t.sampleAtOrAfter(t.micros(offset)) == offset,
        "the PTS of a window start maps back to its sample");
  }

  @Test
  void samplesAndMicrosecondsConvertByTheFirstSampleAtOrAfter() {
    StreamTimeline t = new StreamTimeline(WindowMode.TUMBLING, 1_000, 44_100, 352_800, 1024, 0);
    assertEquals(45_570, t.sampleAtOrAfter(1_000 + 1_033_333), "ceil(1.033333 s x 44100)");
    assertEquals(1_000 + 1_033_333, t.micros(45_570), "sample 45570 at 1033333.33 us");
    assertEquals(-1, t.sampleAtOrAfter(1_000 - 23), "before the origin");
    assertEquals(16_000, StreamTimeline.samplesIn(1_000_000, 16_000));
  }

  @Test
  void aLiveWindowPublishesFromThePublishedEndToItsEndLessTheMargin() {
    StreamTimeline t = live16k(2048);
    StreamTimeline.Region first = t.region(0, 32_256, null, null);
    assertEquals(2048, t.marginSamples());
    assertEquals(0, first.startSamples());
    assertEquals(128_000 - 2048, first.endSamples());
    assertFalse(first.lastOfStream());
    StreamTimeline.Region second = t.region(32_256, 32_256, first.endSamples(), null);
    assertEquals(first.endSamples(), second.startSamples(), "no gap, no overlap");
    assertEquals(32_256 + 128_000 - 2048, second.endSamples());
    assertEquals(32_256, second.length(), "a hop of new audio per window");
    StreamTimeline.Region last = t.region(64_512, 32_256, second.endSamples(),
        1_000L + 10_000_000L);
    assertTrue(last.lastOfStream());
    assertEquals(160_000, last.endSamples(), "up to the stream's end");
  }

  @Test
  void aPublishedEndOutsideTheWindowIsNotJoined() {
    StreamTimeline t = live16k(2048);
    assertEquals(64_512, t.region(64_512, 32_256, 10L, null).startSamples());
    assertEquals(64_512, t.region(64_512, 32_256, 64_512L + 128_000, null).startSamples());
  }

  @Test
  void aMarginThatLeavesNoFrameIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> live16k(128_000));
    assertThrows(IllegalArgumentException.class, () -> live16k(-1));
    assertThrows(IllegalArgumentException.class,
        () -> new StreamTimeline(WindowMode.LIVE, 0, 0, 128_000, 512, 0));
  }

  @Test
  void everyNonPositiveSizeIsRefusedAndTheLargestMarginLeavesExactlyOneFrame() {
    assertThrows(IllegalArgumentException.class,
        () -> new StreamTimeline(WindowMode.LIVE, 0, 16_000, 0, 512, 0));
    assertThrows(IllegalArgumentException.class,
        () -> new StreamTimeline(WindowMode.LIVE, 0, 16_000, 128_000, 0, 0));
    StreamTimeline widest = live16k(128_000 - 512);
    assertEquals(128_000 - 512, widest.marginSamples());
    assertEquals(512, widest.region(0, 512, null, null).length());
    assertThrows(IllegalArgumentException.class, () -> live16k(128_000 - 511));
  }

  @Test
  void durationsRoundToTheNearestSampleHalvesUp() {
    assertEquals(0, StreamTimeline.samplesIn(31, 16_000), "0.496 samples");
    assertEquals(1, StreamTimeline.samplesIn(32, 16_000), "0.512 samples");
    assertEquals(1, StreamTimeline.samplesIn(1, 500_000), "exactly half a sample rounds up");
    assertEquals(0, StreamTimeline.samplesIn(-1, 500_000), "-0.5 rounds up to 0");
    assertEquals(-1, StreamTimeline.samplesIn(-2, 400_000), "-0.8 rounds to -1");
  }

  @Test
  void aSampleBeforeTheOriginMapsToTheMicrosecondAtOrBeforeIt() {
    StreamTimeline t = new StreamTimeline(WindowMode.TUMBLING, 1_000, 16_000, 128_000, 512, 0);
    assertEquals(1_000 - 63, t.micros(-1), "-62.5 us rounds down");
    assertEquals(1_000 + 62, t.micros(1), "62.5 us rounds down");
    assertEquals(1, t.sampleAtOrAfter(1_000 + 1), "a microsecond after the origin");
    assertEquals(0, t.sampleAtOrAfter(1_000 - 62), "-62 us is after sample -1 at -62.5 us");
  }

  @Test
  void aTumblingHopIsAtLeastOneSample() {
    StreamTimeline t = new StreamTimeline(WindowMode.TUMBLING, 0, 16_000, 128_000, 512, 0);
    assertEquals(1, t.hopSamples(0));
    assertEquals(1, t.hopSamples(-5_000));
  }

  @Test
  void aLiveHopRoundsHalfAUnitUp() {
    StreamTimeline t = live16k(0);
    assertEquals(2 * 5120, t.hopSamples(480_000), "1.5 units (7680 samples) round up");
    assertEquals(5120, t.hopSamples(479_938), "7679 samples are just under 1.5 units");
  }

  @Test
  void theSegmentAlignedUnitIsUsedOnlyWhenFourOfItFitTheWindow() {
    assertEquals(10, new StreamTimeline(WindowMode.LIVE, 0, 16_000, 20_480, 512, 0)
        .hopUnitFrames(), "4 x 10 frames of 512 samples fit 20480 samples exactly");
    assertEquals(1, new StreamTimeline(WindowMode.LIVE, 0, 16_000, 20_479, 512, 0)
        .hopUnitFrames());
  }

  @Test
  void aStreamEndingInsideOrBeforeTheWindowEndsItsLastRegion() {
    StreamTimeline t = new StreamTimeline(WindowMode.TUMBLING, 0, 16_000, 128_000, 512, 0);
    StreamTimeline.Region atEnd = t.region(128_000, 128_000, null, 16_000_000L);
    assertTrue(atEnd.lastOfStream(), "a stream ending exactly at the region's end");
    assertEquals(256_000, atEnd.endSamples());
    StreamTimeline.Region after = t.region(128_000, 128_000, null, 16_000_001L);
    assertFalse(after.lastOfStream());
    assertEquals(256_000, after.endSamples());
    StreamTimeline.Region before = t.region(128_000, 128_000, 130_000L, 8_000_000L);
    assertTrue(before.lastOfStream());
    assertEquals(130_000, before.startSamples());
    assertEquals(0, before.length(), "nothing left to publish, never a negative length");
    assertEquals(0, new StreamTimeline.Region(10, 5, false).length());
  }

  @Test
  void aPublishedEndInsideTheWindowIsJoinedUpToItsLastSample() {
    StreamTimeline t = live16k(2048);
    assertEquals(64_512 + 127_999, t.region(64_512, 32_256, 64_512L + 127_999, null)
        .startSamples());
    assertEquals(64_512, t.region(64_512, 32_256, 64_511L, null).startSamples());
  }

  @Test
  void latentFramesCountWholeFramesOnly() {
    StreamTimeline t = live16k(0);
    assertEquals(3, t.latentFrames(3 * 512));
    assertEquals(0, t.latentFrames(0));
    assertThrows(IllegalArgumentException.class, () -> t.latentFrames(3 * 512 + 1));
  }

  @Test
  void aRampingStreamsFirstWindowIsTheShortestAllowedAtLeastAHopLong() {
    StreamTimeline t = live16k(5120);
    assertEquals(60 * 512, t.firstWindowSamples(t.hopSamples(2_000_000)),
        "1.92 s: one hop, and 250 - 60 frames is a whole number of 10-frame units");
    assertEquals(-190 * 512, t.firstGridOffsetSamples(t.hopSamples(2_000_000), true));
    assertEquals(20 * 512, t.firstWindowSamples(t.hopSamples(320_000)),
        "a 320 ms hop still needs one Synchformer segment, 0.64 s");
    assertEquals(0, t.firstGridOffsetSamples(t.hopSamples(2_000_000), false), "ramp off");
    assertEquals(0, new StreamTimeline(WindowMode.TUMBLING, 0, 16_000, 128_000, 512, 0)
        .firstGridOffsetSamples(128_000, true), "tumbling windows never ramp");
    StreamTimeline hifi = new StreamTimeline(WindowMode.LIVE, 0, 44_100, 352_800, 1024, 10_240);
    long first = hifi.firstWindowSamples(hifi.hopSamples(2_000_000));
    assertEquals(86 * 1024 + 544, first, "the window's 544 samples past whole frames kept");
    assertEquals(0, (352_800 - first) % 1024, "so that window starts are whole frames");
  }

  /**
   * Walks a ramping stream's windows, publishing each window's region as the chunker does (on
   * the window's own timeline), and checks the grid's rules; returns the published end.
   */
  private static long walk(StreamTimeline t, long hop, long windows) {
    long grid = t.firstGridOffsetSamples(hop, true);
    long first = t.firstWindowSamples(hop);
    Long published = null;
    long previousEnd = -1;
    for (long k = 0; k < windows; k++, grid += hop) {
      StreamTimeline.Window w = t.window(grid);
      assertEquals(Math.max(0, w.endSamples() - t.windowSamples()), w.startSamples());
      assertTrue(w.length() >= first && w.length() <= t.windowSamples());
      assertEquals(0, w.startSamples() % t.latentFrameSamples(), "starts on a latent frame");
      if (previousEnd >= 0) {
        assertEquals(previousEnd + hop, w.endSamples(), "ends one hop apart");
      }
      previousEnd = w.endSamples();
      StreamTimeline own = new StreamTimeline(t.mode(), t.originMicros(), t.sampleRate(),
          w.length(), t.latentFrameSamples(),
          Math.min(t.marginSamples(), w.length() - t.latentFrameSamples()));
      StreamTimeline.Region r = own.region(w.startSamples(), hop, published, null);
      assertEquals(published == null ? 0 : published, r.startSamples(),
          "window " + k + " starts where the stream's audio ends: no gap, no overlap");
      assertEquals(w.endSamples() - t.marginSamples(), r.endSamples());
      if (published != null) {
        assertEquals(hop, r.length(), "window " + k + " publishes one hop");
      }
      published = r.endSamples();
    }
    return published;
  }

  @Test
  void theRampGridPublishesEverySampleOnceIntoTheFullWindows() {
    StreamTimeline t = live16k(5120);
    long hop = t.hopSamples(2_000_000);
    long published = walk(t, hop, 10);
    assertEquals(60 * 512 * 10 - 5120, published, "ten hops less the margin");
    assertEquals(50 * 512, t.window(t.firstGridOffsetSamples(hop, true) + 4 * hop)
        .startSamples(), "the first full window starts 1.6 s in, on the segment step");
    StreamTimeline hifi = new StreamTimeline(WindowMode.LIVE, 0, 44_100, 352_800, 1024, 10_240);
    long hifiHop = hifi.hopSamples(2_000_000);
    assertEquals(hifi.firstWindowSamples(hifiHop) + 9 * hifiHop - 10_240,
        walk(hifi, hifiHop, 10));
  }

  @Test
  void aDayOfRampedStreamNeitherDriftsNorLosesASample() {
    StreamTimeline t = new StreamTimeline(WindowMode.LIVE, 5_000_000L, 44_100, 352_800, 1024,
        10_240);
    long hop = t.hopSamples(2_000_000);
    long windows = 24L * 3600 * 44_100 / hop;
    long published = walk(t, hop, windows);
    long lastGrid = t.firstGridOffsetSamples(hop, true) + (windows - 1) * hop;
    assertEquals(lastGrid + 352_800 - 10_240, published, "every sample up to the last margin");
    long start = t.window(lastGrid).startSamples();
    assertEquals(5_000_000L + start * 1_000_000L / 44_100, t.micros(start),
        "the last window's start, exact after a day");
  }
}
