package io.foleystream.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import org.junit.jupiter.api.Test;

class TimeGridTest {

  /** torch.linspace(0, 1, 26) (float32) as printed by torch 1.13, in hexadecimal float bits. */
  private static final int[] TORCH_26 = {
    0x00000000, 0x3d23d70a, 0x3da3d70a, 0x3df5c28f, 0x3e23d70a, 0x3e4ccccc, 0x3e75c28f,
    0x3e8f5c29, 0x3ea3d70a, 0x3eb851eb, 0x3ecccccc, 0x3ee147ae, 0x3ef5c28f, 0x3f051eb8,
    0x3f0f5c29, 0x3f19999a, 0x3f23d70a, 0x3f2e147b, 0x3f3851ec, 0x3f428f5c, 0x3f4ccccd,
    0x3f570a3e, 0x3f6147ae, 0x3f6b851f, 0x3f75c28f, 0x3f800000
  };

  @Test
  void twentyFiveStepsEqualTorchLinspaceBitForBit() {
    float[] grid = TimeGrid.of(25);
    assertEquals(26, grid.length);
    for (int i = 0; i < grid.length; i++) {
      assertEquals(TORCH_26[i], Float.floatToRawIntBits(grid[i]), "point " + i);
    }
    assertEquals(0.03999999910593033, grid[1], 0.0);
  }

  @Test
  void everyGridRunsFromZeroToOneWithinTwoUlpsOfExactFractions() {
    for (int steps = 1; steps <= 200; steps++) {
      float[] grid = TimeGrid.of(steps);
      assertEquals(steps + 1, grid.length);
      assertEquals(0f, grid[0]);
      assertEquals(1f, grid[steps]);
      for (int i = 0; i <= steps; i++) {
        double exact = new BigDecimal(i).divide(new BigDecimal(steps), MathContext.DECIMAL128)
            .doubleValue();
        assertTrue(Math.abs(grid[i] - exact) <= 2 * Math.ulp((float) exact),
            steps + " steps, point " + i + ": " + grid[i] + " vs " + exact);
        if (i > 0) {
          assertTrue(grid[i] > grid[i - 1], "strictly increasing");
        }
      }
    }
  }

  @Test
  void oneStepIsJustTheEndpoints() {
    assertArrayEquals(new float[] {0f, 1f}, TimeGrid.of(1));
  }

  @Test
  void rejectsZeroSteps() {
    assertThrows(IllegalArgumentException.class, () -> TimeGrid.of(0));
  }
}
