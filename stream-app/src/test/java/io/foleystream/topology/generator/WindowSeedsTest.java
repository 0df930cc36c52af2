package io.foleystream.topology.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WindowSeedsTest {

  @Test
  void theSeedDependsOnSeedStreamAndWindowAndOnNothingElse() {
    assertEquals(WindowSeeds.derive(42, "cam", 3), WindowSeeds.derive(42, "cam", 3));
    Set<Long> seeds = new HashSet<>();
    for (long seed : new long[] {42, 43}) {
      for (String stream : new String[] {"cam", "cam2", "ca"}) {
        for (long k = 0; k < 50; k++) {
          seeds.add(WindowSeeds.derive(seed, stream, k));
        }
      }
    }
    assertEquals(2 * 3 * 50, seeds.size());
    assertNotEquals(WindowSeeds.derive(1, "ab", 0), WindowSeeds.derive(1, "a", 0));
  }

  @Test
  void theDerivationIsTheDocumentedSha256() {
    // sha256(00..2a | 00000003 'cam' | 00..05)[0:8] computed with Python's hashlib.
    assertEquals(0x3257e694eac497deL, WindowSeeds.derive(42, "cam", 5));
  }
}
