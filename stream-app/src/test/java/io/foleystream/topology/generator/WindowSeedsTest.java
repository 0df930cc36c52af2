package io.foleystream.topology.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WindowSeedsTest {

  @Test
  void theSeedDependsOnSeedStreamAndWindowAndOnNothingElse() {
    long first = WindowSeeds.derive(42, "cam", 3);
    assertEquals(first, WindowSeeds.derive(42, new String("cam".toCharArray()), 3),
        "a regenerated window (new objects, same values) gets the same seed");
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
    assertEquals(0x48525ceba903290fL, WindowSeeds.derive(42, "cam", 3));
    assertEquals(0xde47c9b27eb8d300L, WindowSeeds.derive(0, "", 0));
    assertEquals(0x8fa6c8ad9e181ea2L, WindowSeeds.derive(42, "cam", 1L << 40),
        "the window index is 8 bytes, not 4");
  }

  @Test
  void theStreamIdIsPrefixedWithItsUtf8ByteLengthNotItsCharCount() {
    // 'caméra' is 6 chars and 7 UTF-8 bytes; a negative stream seed is hashed as its two's
    // complement.
    assertEquals(0x19269d3e715fcc69L, WindowSeeds.derive(-1, "cam\u00e9ra", 7));
  }
}
