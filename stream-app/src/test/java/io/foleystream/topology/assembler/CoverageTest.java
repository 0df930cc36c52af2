package io.foleystream.topology.assembler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.schemas.PtsRange;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Gaps and the coverage tolerance. */
class CoverageTest {

  private static final long MS = 1000;

  @Test
  void stretchesWithinTheToleranceAreNoGapsAndCountAsCovered() {
    List<Coverage.Span> spans = List.of(new Coverage.Span(0, 1999), new Coverage.Span(2000, 3999),
        new Coverage.Span(4000, 5999));
    Coverage c = Coverage.of(spans, 0, 6000, MS);
    assertTrue(c.complete());
    assertEquals(6000, c.coveredMicros());
  }

  @Test
  void aStretchBeyondTheToleranceIsAGap() {
    List<Coverage.Span> spans = List.of(new Coverage.Span(0, 2000),
        new Coverage.Span(3001, 6000));
    Coverage c = Coverage.of(spans, 0, 6000, MS);
    assertEquals(List.of(new PtsRange(2000L, 3001L)), c.gaps());
    assertEquals(6000 - 1001, c.coveredMicros());
  }

  @Test
  void withoutToleranceAMicrosecondIsAGap() {
    Coverage c = Coverage.of(List.of(new Coverage.Span(0, 2999), new Coverage.Span(3000, 5999)),
        0, 6000, 0);
    assertEquals(List.of(new PtsRange(2999L, 3000L), new PtsRange(5999L, 6000L)), c.gaps());
  }

  @Test
  void theEndOfTheRangeTakesTheToleranceToo() {
    assertTrue(Coverage.of(List.of(new Coverage.Span(0, 5000)), 0, 6000, MS).complete());
    assertEquals(List.of(new PtsRange(4999L, 6000L)),
        Coverage.of(List.of(new Coverage.Span(0, 4999)), 0, 6000, MS).gaps());
  }

  @Test
  void aStretchOfExactlyTheToleranceIsNoGap() {
    Coverage c = Coverage.of(List.of(new Coverage.Span(0, 2000), new Coverage.Span(3000, 6000)),
        0, 6000, MS);
    assertTrue(c.complete());
    assertEquals(6000, c.coveredMicros());
  }

  @Test
  void spansOutOfPtsOrderMeasureLikeSortedOnes() {
    List<Coverage.Span> sorted = List.of(new Coverage.Span(0, 1000),
        new Coverage.Span(2500, 4000), new Coverage.Span(4000, 5000));
    List<Coverage.Span> shuffled = List.of(sorted.get(2), sorted.get(0), sorted.get(1));
    Coverage c = Coverage.of(shuffled, 0, 6000, 0);
    assertEquals(List.of(new PtsRange(1000L, 2500L), new PtsRange(5000L, 6000L)), c.gaps());
    assertEquals(Coverage.of(sorted, 0, 6000, 0).gaps(), c.gaps());
    assertEquals(6000 - 1500 - 1000, c.coveredMicros());
  }

  @Test
  void chunksBufferedBeyondTheRangeDoNotFillItsTrailingGap() {
    Coverage c = Coverage.of(List.of(new Coverage.Span(0, 3000), new Coverage.Span(7000, 9000),
        new Coverage.Span(6000, 7000)), 0, 6000, 0);
    assertEquals(List.of(new PtsRange(3000L, 6000L)), c.gaps());
    assertEquals(3000, c.coveredMicros());
    Coverage onlyLater = Coverage.of(List.of(new Coverage.Span(0, 3000),
        new Coverage.Span(7000, 9000)), 0, 6000, 0);
    assertEquals(List.of(new PtsRange(3000L, 6000L)), onlyLater.gaps(), "the gap ends at the"
        + " range's end, not at the next chunk");
  }

  @Test
  void overlappingAndContainedSpansCountOnceAndSpansBeforeTheRangeAreClipped() {
    Coverage c = Coverage.of(List.of(new Coverage.Span(-4000, 1000), new Coverage.Span(500, 900),
        new Coverage.Span(800, 3000), new Coverage.Span(4000, 8000)), 0, 6000, 0);
    assertEquals(List.of(new PtsRange(3000L, 4000L)), c.gaps());
    assertEquals(5000, c.coveredMicros());
  }

  @Test
  void aRangeWithNoSpansIsOneGapAndAnEmptyRangeCoversNothing() {
    assertEquals(List.of(new PtsRange(1000L, 6000L)),
        Coverage.of(List.of(), 1000, 6000, MS).gaps());
    assertEquals(0, Coverage.of(List.of(), 1000, 6000, MS).coveredMicros());
    Coverage empty = Coverage.of(List.of(new Coverage.Span(0, 9000)), 6000, 1000, 0);
    assertTrue(empty.complete());
    assertEquals(0, empty.coveredMicros());
  }
}
