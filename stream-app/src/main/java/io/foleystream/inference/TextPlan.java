package io.foleystream.inference;

/**
 * Which text each branch of a window encodes: the one rule for every caller (the CLI, the
 * stream topology, the API). An absent prompt or negative prompt is the empty string, and every
 * text, the empty string included, is encoded by the CLIP text tower (and cached), as MMAudio's
 * demo does with its defaults {@code prompt=''} and {@code negative_prompt=''}.
 *
 * <p>Why this rule: the demo is what users compare against; a stream's control record cannot
 * tell an empty prompt from an absent one, so absent and empty must mean the same; and the
 * model set's stored empty-string feature (what the official {@code generate()} uses when it is
 * given no negative text) is reachable only through the Python API. So the stored feature is
 * never used for text.
 *
 * @param positive the text of the conditional branch, never null
 * @param negative the text of the unconditional branch, never null
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
    return new TextPlan(prompt == null ? "" : prompt, negativePrompt == null ? "" : negativePrompt);
  }
}
