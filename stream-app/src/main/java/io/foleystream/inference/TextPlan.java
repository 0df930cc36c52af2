package io.foleystream.inference;

/**
 * Which text each branch of a window uses (model-facts.md 6.6): the positive branch the prompt's
 * CLIP encoding, or the stored empty-string feature when there is no prompt; the negative branch
 * the CLIP encoding of the negative prompt, which defaults to {@code ""} encoded afresh, or the
 * stored feature when neither a prompt nor a negative prompt is given.
 *
 * @param positive the prompt to encode for the conditional branch, or null for the stored feature
 * @param negative the prompt to encode for the unconditional branch, or null for the stored
 *     feature
 */
record TextPlan(String positive, String negative) {

  /**
   * The plan for a window's prompts.
   *
   * @param prompt the prompt or null
   * @param negativePrompt the negative prompt or null
   * @return the plan
   */
  static TextPlan of(String prompt, String negativePrompt) {
    if (prompt == null && negativePrompt == null) {
      return new TextPlan(null, null);
    }
    return new TextPlan(prompt, negativePrompt == null ? "" : negativePrompt);
  }
}
