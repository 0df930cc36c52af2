package io.foleystream.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SamplingGridTest {

  @Test
  void eightSecondsGiveTheModelsFrameCounts() {
    assertEquals(64, new SamplingGrid(0, 8_000_000, 8, 1).count());
    assertEquals(200, new SamplingGrid(0, 8_000_000, 25, 1).count());
    assertEquals(33, new SamplingGrid(0, 4_200_000, 8, 1).count(), "int(4.2 * 8)");
    assertEquals(105, new SamplingGrid(0, 4_200_000, 25, 1).count(), "int(4.2 * 25)");
  }

  @Test
  void gridTimesAreExactMultiplesFromTheWindowStart() {
    SamplingGrid clip = new SamplingGrid(1_000_003, 8_000_000, 8, 1);
    SamplingGrid sync = new SamplingGrid(1_000_003, 8_000_000, 25, 1);
    assertEquals(1_000_003, clip.timeUs(0));
    assertEquals(1_000_003 + 63 * 125_000, clip.timeUs(63));
    assertEquals(1_000_003 + 6 * 40_000, sync.timeUs(6), "no float drift at 0.24 s");
    assertEquals(1_000_003 + 199 * 40_000, sync.timeUs(199));
    assertEquals(9_000_003, sync.endUs());
  }

  @Test
  void irrationalStepsRoundUpSoIntegerComparisonEqualsTheExactOne() {
    SamplingGrid grid = new SamplingGrid(0, 1_000_000, 30000, 1001);
    long[] expected = new long[5];
    for (int i = 0; i < 5; i++) {
      expected[i] = (long) Math.ceil(i * 1_000_000.0 * 1001 / 30000);
    }
    long[] actual = new long[5];
    for (int i = 0; i < 5; i++) {
      actual[i] = grid.timeUs(i);
    }
    assertArrayEquals(expected, actual);
    assertEquals(33_367, grid.timeUs(1), "33366.67 rounds up: a frame at 33366 us is before it");
  }

  @Test
  void officialRuleFollowsTheFloat64Accumulator() {
    SamplingGrid grid = new SamplingGrid(2_000_000, 8_000_000, 25, 1, GridRule.OFFICIAL);
    double next = 0.0;
    for (int k = 0; k < grid.count(); k++) {
      long offset = grid.timeUs(k) - grid.startUs();
      assertTrue(offset / 1e6 >= next, "point " + k + " is at or after the sum");
      assertTrue(offset == 0 || (offset - 1) / 1e6 < next, "point " + k + " is the first such us");
      next += 1.0 / 25;
    }
    // 0.04 added six times is 0.24000000000000002: a frame at 0.24 s no longer serves point 6.
    assertEquals(2_240_001, grid.timeUs(6));
    SamplingGrid clip = new SamplingGrid(0, 8_000_000, 8, 1, GridRule.OFFICIAL);
    SamplingGrid exact = new SamplingGrid(0, 8_000_000, 8, 1);
    for (int k = 0; k < clip.count(); k++) {
      assertEquals(exact.timeUs(k), clip.timeUs(k), "1/8 is exact in binary");
    }
  }

  @Test
  void rejectsEmptyOrNegativeGrids() {
    assertThrows(IllegalArgumentException.class, () -> new SamplingGrid(0, 100_000, 8, 1));
    assertThrows(IllegalArgumentException.class, () -> new SamplingGrid(0, -1, 25, 1));
    assertThrows(IllegalArgumentException.class, () -> new SamplingGrid(0, 8_000_000, 0, 1));
    SamplingGrid grid = new SamplingGrid(0, 8_000_000, 8, 1);
    assertThrows(IndexOutOfBoundsException.class, () -> grid.timeUs(64));
  }

  @Test
  void theSmallestGridHasOnePointAndOneMicrosecondLessHasNone() {
    assertEquals(1, new SamplingGrid(0, 125_000, 8, 1).count());
    assertThrows(IllegalArgumentException.class, () -> new SamplingGrid(0, 124_999, 8, 1));
    assertEquals(1, new SamplingGrid(0, 1_000_000, 1, 1, GridRule.OFFICIAL).count());
  }

  @Test
  void rejectsEveryNonPositiveFieldAMissingRuleAndGridsTooLargeToCount() {
    assertThrows(IllegalArgumentException.class, () -> new SamplingGrid(0, 0, 8, 1));
    assertThrows(IllegalArgumentException.class, () -> new SamplingGrid(0, 8_000_000, -8, 1));
    assertThrows(IllegalArgumentException.class, () -> new SamplingGrid(0, 8_000_000, 8, 0));
    assertThrows(IllegalArgumentException.class, () -> new SamplingGrid(0, 8_000_000, 8, -1));
    assertThrows(IllegalArgumentException.class,
        () -> new SamplingGrid(0, 8_000_000, 8, 1, null));
    IllegalArgumentException overflow = assertThrows(IllegalArgumentException.class,
        () -> new SamplingGrid(0, Long.MAX_VALUE / 2, 8, 1));
    assertTrue(overflow.getMessage().contains("overflows"), overflow.getMessage());
    IllegalArgumentException tooMany = assertThrows(IllegalArgumentException.class,
        () -> new SamplingGrid(0, 1_000_000L * Integer.MAX_VALUE, 2, 1));
    assertTrue(tooMany.getMessage().contains("points"), tooMany.getMessage());
    assertEquals(Integer.MAX_VALUE, new SamplingGrid(0, 1_000_000L * Integer.MAX_VALUE, 1, 1)
        .count());
  }

  @Test
  void pointsOutsideTheGridAreRejectedUnderEitherRule() {
    for (GridRule rule : GridRule.values()) {
      SamplingGrid grid = new SamplingGrid(0, 1_000_000, 8, 1, rule);
      assertThrows(IndexOutOfBoundsException.class, () -> grid.timeUs(-1));
      assertThrows(IndexOutOfBoundsException.class, () -> grid.timeUs(8));
      assertEquals(875_000, grid.timeUs(7));
    }
  }

  @Test
  void officialTimesAreCorrectedWhereTheScaledSumRoundsToTheWrongMicrosecond() {
    // 123/1e6 as a double times 1e6 is 123.00000000000001: its ceiling overshoots by one.
    SamplingGrid down = new SamplingGrid(0, 1_000, 1_000_000, 123, GridRule.OFFICIAL);
    assertEquals(123, down.timeUs(1));
    assertEquals(246, down.timeUs(2));
    assertEquals(369, down.timeUs(3));
    // 25/1e6 added three times is 7.500000000000001e-05, whose product with 1e6 rounds to
    // 75.0: the sum lies above 75 us, so the first microsecond at or after it is 76.
    SamplingGrid up = new SamplingGrid(0, 1_000, 1_000_000, 25, GridRule.OFFICIAL);
    assertEquals(50, up.timeUs(2));
    assertEquals(76, up.timeUs(3));
    assertEquals(100, up.timeUs(4));
  }

  @Test
  void aNonPositiveFieldIsNamedAsABadGridNotAsAnEmptyOrOverflowingOne() {
    for (long[] fields : new long[][] {{0, 8, 1}, {8_000_000, 0, 1}, {8_000_000, 8, 0}}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new SamplingGrid(0, fields[0], (int) fields[1], (int) fields[2]));
      assertTrue(e.getMessage().startsWith("bad sampling grid"), e.getMessage());
    }
  }

  @Test
  void theEndIsTheStartPlusTheDuration() {
    assertEquals(3_500_001, new SamplingGrid(1_500_001, 2_000_000, 25, 1).endUs());
  }

  @Test
  void theOfficialRuleStartsAtTheWindowStartAndRoundsUpNotDown() {
    SamplingGrid grid = new SamplingGrid(10, 1_000_000, 3, 1, GridRule.OFFICIAL);
    assertEquals(10, grid.timeUs(0));
    // 1/3 s as a double is just above 333333 us: the first microsecond at or after it.
    assertEquals(10 + 333_334, grid.timeUs(1));
    assertEquals(10 + 666_667, grid.timeUs(2));
  }
}
