package io.foleystream.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Which text each branch uses: absent is empty, and every text is encoded (docs/inference.md). */
class TextPlanTest {

  @Test
  void absentPromptsAreTheEmptyStringOnBothBranches() {
    assertEquals(new TextPlan("", ""), TextPlan.of(null, null));
    assertEquals(TextPlan.of("", ""), TextPlan.of(null, null));
  }

  @Test
  void aPromptWithoutANegativePromptHasTheEmptyStringOnTheNegativeBranch() {
    assertEquals(new TextPlan("dog barking", ""), TextPlan.of("dog barking", null));
    assertEquals(TextPlan.of("dog barking", ""), TextPlan.of("dog barking", null));
  }

  @Test
  void aNegativePromptWithoutAPromptHasTheEmptyStringOnThePositiveBranch() {
    assertEquals(new TextPlan("", "music"), TextPlan.of(null, "music"));
  }

  @Test
  void bothPromptsAreKept() {
    assertEquals(new TextPlan("rain", "music"), TextPlan.of("rain", "music"));
  }
}
