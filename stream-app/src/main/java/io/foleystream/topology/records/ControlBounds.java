package io.foleystream.topology.records;

import io.foleystream.schemas.StreamControl;
import java.nio.charset.StandardCharsets;

/**
 * The bounds of a control record's generation settings, checked where control records enter:
 * a prompt is copied into every window task of its stream, and the text encoder keeps only 77
 * tokens of it anyway; steps multiply the generation time; a guidance strength outside a sane
 * range makes noise.
 *
 * @param maxPromptBytes longest prompt and negative prompt, in UTF-8 bytes
 * @param maxSteps most Euler steps
 * @param minCfgStrength least guidance strength
 * @param maxCfgStrength greatest guidance strength
 */
public record ControlBounds(int maxPromptBytes, int maxSteps, double minCfgStrength,
    double maxCfgStrength) {

  /**
   * Validates the values.
   *
   * @throws IllegalArgumentException if a cap is not positive or the range is empty
   */
  public ControlBounds {
    if (maxPromptBytes < 0 || maxSteps < 1 || !(minCfgStrength <= maxCfgStrength)) {
      throw new IllegalArgumentException("control bounds: prompt bytes must not be negative,"
          + " steps must be positive and the guidance range must not be empty");
    }
  }

  /**
   * The defaults of the configuration keys: prompts up to 1024 bytes (77 tokens are rarely more
   * than 400), up to 200 steps, guidance in [0, 20].
   *
   * @return the defaults
   */
  public static ControlBounds defaults() {
    return new ControlBounds(1024, 200, 0.0, 20.0);
  }

  /**
   * What is wrong with a control record: {@link ChunkRules#controlProblem} first, then these
   * bounds.
   *
   * @param key the record key
   * @param control the record
   * @return the rule it breaks, or null
   */
  public String problem(String key, StreamControl control) {
    String basic = ChunkRules.controlProblem(key, control);
    if (basic != null) {
      return basic;
    }
    String prompt = promptProblem("prompt", control.getPrompt());
    if (prompt == null) {
      prompt = promptProblem("negativePrompt", control.getNegativePrompt());
    }
    if (prompt != null) {
      return prompt;
    }
    if (control.getSteps() != null && control.getSteps() > maxSteps) {
      return "max steps: " + control.getSteps() + " steps, more than " + maxSteps;
    }
    Double cfg = control.getCfgStrength();
    if (cfg != null && !(cfg >= minCfgStrength && cfg <= maxCfgStrength)) {
      return "guidance range: cfgStrength " + cfg + " is outside [" + minCfgStrength + ", "
          + maxCfgStrength + "]";
    }
    return null;
  }

  private String promptProblem(String field, String text) {
    if (text == null) {
      return null;
    }
    int bytes = text.getBytes(StandardCharsets.UTF_8).length;
    return bytes > maxPromptBytes ? "max prompt bytes: " + field + " has " + bytes
        + " bytes, more than " + maxPromptBytes : null;
  }
}
