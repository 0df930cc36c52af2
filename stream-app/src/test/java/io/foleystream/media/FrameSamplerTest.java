package io.foleystream.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class FrameSamplerTest {

  /** Runs the sampler over frames at {@code pts} and returns the frame index per grid point. */
  private static int[] sample(SamplingGrid grid, long... pts) {
    FrameSampler sampler = new FrameSampler(grid);
    int[] chosen = new int[grid.count()];
    Arrays.fill(chosen, -1);
    for (int k = 0; k < pts.length; k++) {
      int n = sampler.pointsServedBy(pts[k]);
      int first = sampler.take(n);
      for (int i = first; i < first + n; i++) {
        chosen[i] = k;
      }
    }
    return chosen;
  }

  private static long[] frames(int count, long stepUs, long offsetUs) {
    long[] pts = new long[count];
    for (int k = 0; k < count; k++) {
      pts[k] = offsetUs + k * stepUs;
    }
    return pts;
  }

  @Test
  void aFrameExactlyOnAGridTimeIsTheOnePicked() {
    int[] chosen = sample(new SamplingGrid(0, 1_000_000, 25, 1), frames(30, 40_000, 0));
    int[] identity = new int[25];
    Arrays.setAll(identity, i -> i);
    assertArrayEquals(identity, chosen, "a 25 fps source on the 25 fps grid maps one to one");
  }

  /**
   * The reference loop of model-facts.md 3.1: frame times {@code pts * time_base} as doubles and
   * grid times accumulated in float64.
   */
  private static int[] referenceFloatLoop(int frames, int ptsStep, int timeBase, int fps,
      int points) {
    int[] chosen = new int[points];
    int n = 0;
    double next = 0.0;
    for (int k = 0; k < frames && n < points; k++) {
      double time = (double) k * ptsStep / timeBase;
      while (time >= next && n < points) {
        chosen[n++] = k;
        next += 1.0 / fps;
      }
    }
    return chosen;
  }

  @Test
  void exactGridTimesAvoidTheReferencesFloatDrift() {
    int[] reference = referenceFloatLoop(30, 512, 12800, 25, 25);
    assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 7, 7, 8}, Arrays.copyOf(reference, 9),
        "the reference skips frame 6 of a 25 fps source (time base 1/12800)");
    int[] exact = sample(new SamplingGrid(0, 1_000_000, 25, 1), frames(30, 40_000, 0));
    assertEquals(6, exact[6], "exact grid times use the frame on the grid time");
  }

  @Test
  void picksTheFirstFrameAtOrAfterEachGridTimeNotTheNearest() {
    int[] chosen = sample(new SamplingGrid(0, 1_000_000, 8, 1), frames(40, 33_333, 0));
    assertEquals(4, chosen[1], "0.125 s: frame 3 (0.09999 s) is nearest but before it");
    assertEquals(8, chosen[2], "0.25 s: frame 8 at 0.26666 s");
  }

  @Test
  void slowSourcesRepeatFramesAndFastSourcesSkipThem() {
    int[] slow = sample(new SamplingGrid(0, 1_000_000, 25, 1), frames(16, 66_667, 0));
    assertEquals(2, slow[2]);
    assertEquals(2, slow[3], "the 15 fps frame at 133 ms serves the 80 ms and 120 ms points");
    int[] fast = sample(new SamplingGrid(0, 1_000_000, 8, 1), frames(60, 16_667, 0));
    assertEquals(8, fast[1], "frames between grid points are dropped");
  }

  @Test
  void framesBeforeTheWindowOrAfterItsEndServeNothing() {
    SamplingGrid grid = new SamplingGrid(1_000_000, 1_000_000, 8, 1);
    FrameSampler sampler = new FrameSampler(grid);
    assertEquals(0, sampler.pointsServedBy(999_999));
    assertEquals(0, sampler.pointsServedBy(2_000_001), "later than the window end");
    assertEquals(8, sampler.pointsServedBy(2_000_000), "a frame exactly at the end serves all");
    assertTrue(sampler.closedAt(2_000_001));
    assertFalse(sampler.closedAt(2_000_000), "a frame exactly at the end can still serve");
    assertFalse(sampler.closedAt(1_500_000));
  }

  @Test
  void variableFrameRateAndAGapInTheMiddle() {
    long[] pts = {0, 20_000, 90_000, 95_000, 400_000, 410_000, 1_000_000};
    int[] chosen = sample(new SamplingGrid(0, 1_000_000, 25, 1), pts);
    assertEquals(0, chosen[0]);
    assertEquals(2, chosen[1], "40 ms -> the frame at 90 ms");
    assertEquals(2, chosen[2], "80 ms -> the frame at 90 ms again");
    assertEquals(4, chosen[3], "120 ms -> after the gap, the frame at 400 ms");
    assertEquals(4, chosen[10], "400 ms exactly");
    assertEquals(6, chosen[11], "440 ms -> the frame at 1 s (the window end, included)");
  }

  @Test
  void outOfOrderFramesNeverServeAPointTwice() {
    FrameSampler sampler = new FrameSampler(new SamplingGrid(0, 1_000_000, 25, 1));
    sampler.take(sampler.pointsServedBy(100_000));
    assertEquals(3, sampler.served());
    assertEquals(0, sampler.pointsServedBy(60_000), "an earlier frame arriving late");
    assertEquals(1, sampler.pointsServedBy(120_000));
  }

  @Test
  void endOfStreamLeavesAnUncoveredTail() {
    FrameSampler sampler = new FrameSampler(new SamplingGrid(0, 8_000_000, 8, 1));
    for (long pts : frames(100, 33_333, 0)) {
      sampler.take(sampler.pointsServedBy(pts));
    }
    assertEquals(27, sampler.served(), "frames up to 3.3 s serve grid points 0 .. 26");
    assertFalse(sampler.complete());
  }

  @Test
  void theSamplerIsCompleteExactlyWhenTheLastPointIsServedAndThenClosed() {
    SamplingGrid grid = new SamplingGrid(0, 1_000_000, 8, 1);
    FrameSampler sampler = new FrameSampler(grid);
    assertEquals(0, sampler.take(sampler.pointsServedBy(0)));
    assertEquals(1, sampler.served());
    long lastPoint = grid.timeUs(grid.count() - 1);
    assertEquals(grid.count() - 2, sampler.pointsServedBy(lastPoint - 1));
    assertEquals(1, sampler.take(grid.count() - 2), "take returns the first point it marks");
    assertFalse(sampler.complete(), "one point left");
    assertFalse(sampler.closedAt(lastPoint), "a frame at the last point can still serve it");
    assertEquals(grid.count() - 1, sampler.take(sampler.pointsServedBy(lastPoint)));
    assertTrue(sampler.complete());
    assertEquals(grid.count(), sampler.served());
    assertTrue(sampler.closedAt(0), "nothing is pending once complete, whatever the frame time");
    assertEquals(0, sampler.pointsServedBy(grid.endUs()), "no point is served twice");
  }
}
