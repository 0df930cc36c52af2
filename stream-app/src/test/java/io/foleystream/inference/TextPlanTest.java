package io.foleystream.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Which text each branch uses: model-facts.md 6.6 and MMAudio's demo defaults. */
class TextPlanTest {

  @Test
  void noPromptAndNoNegativePromptUseTheStoredEmptyStringFeatureOnBothBranches() {
    assertEquals(new TextPlan(null, null), TextPlan.of(null, null));
  }

  @Test
  void aPromptWithoutANegativePromptEncodesTheEmptyStringAfreshForTheNegativeBranch() {
    assertEquals(new TextPlan("dog barking", ""), TextPlan.of("dog barking", null));
  }

  @Test
  void theDemoDefaultsEncodeBothEmptyStrings() {
    assertEquals(new TextPlan("", ""), TextPlan.of("", ""));
  }

  @Test
  void aNegativePromptWithoutAPromptKeepsTheStoredFeatureForThePositiveBranch() {
    assertEquals(new TextPlan(null, "music"), TextPlan.of(null, "music"));
  }

  @Test
  void bothPromptsAreEncoded() {
    assertEquals(new TextPlan("rain", "music"), TextPlan.of("rain", "music"));
  }
}
