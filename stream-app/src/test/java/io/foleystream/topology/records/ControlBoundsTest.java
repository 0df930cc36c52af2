package io.foleystream.topology.records;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.schemas.StreamControl;
import org.junit.jupiter.api.Test;

/** The control record's bounds at their edges. */
class ControlBoundsTest {

  private static StreamControl.Builder control() {
    return StreamControl.newBuilder().setStreamId("cam");
  }

  @Test
  void boundsMayBeAsTightAsTheirMinimum() {
    assertDoesNotThrow(() -> new ControlBounds(0, 1, 2.5, 2.5));
    assertThrows(IllegalArgumentException.class, () -> new ControlBounds(-1, 1, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new ControlBounds(0, 0, 0, 1));
    assertThrows(IllegalArgumentException.class, () -> new ControlBounds(0, 1, 1.5, 1.0));
    assertThrows(IllegalArgumentException.class,
        () -> new ControlBounds(0, 1, Double.NaN, 1.0), "an empty range");
  }

  @Test
  void valuesAtTheBoundsAreAllowedAndOneStepPastThemAreNot() {
    ControlBounds bounds = new ControlBounds(4, 30, 1.0, 7.5);
    assertNull(bounds.problem("cam", control().setPrompt("ab\u00e9").setNegativePrompt("abcd")
        .setSteps(30).setCfgStrength(1.0).build()), "4 bytes, 30 steps, the lowest guidance");
    assertNull(bounds.problem("cam", control().setCfgStrength(7.5).build()));
    assertEquals("max prompt bytes: prompt has 5 bytes, more than 4",
        bounds.problem("cam", control().setPrompt("abc\u00e9").build()));
    assertEquals("max prompt bytes: negativePrompt has 5 bytes, more than 4",
        bounds.problem("cam", control().setNegativePrompt("abcde").build()));
    assertEquals("max steps: 31 steps, more than 30",
        bounds.problem("cam", control().setSteps(31).build()));
    for (double cfg : new double[] {0.999, 7.501, Double.NaN}) {
      String problem = bounds.problem("cam", control().setCfgStrength(cfg).build());
      assertTrue(problem.startsWith("guidance range: cfgStrength " + cfg), problem);
    }
  }

  @Test
  void theRecordsOwnRulesComeFirst() {
    String problem = ControlBounds.defaults().problem("other", control().build());
    assertEquals(ChunkRules.controlProblem("other", control().build()), problem);
    assertTrue(problem != null && !problem.isEmpty(), "a key that is not the stream id");
  }
}
