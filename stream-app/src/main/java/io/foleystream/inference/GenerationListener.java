package io.foleystream.inference;

/** Told how a generate call progresses, for progress bars and per-stage timings. */
public interface GenerationListener {

  /** The stages of a generate call, in order. */
  enum Stage {
    /** Tokenizing and encoding prompts (cached per prompt). */
    TEXT_FEATURES,
    /** The conditions graph, once per window and branch. */
    CONDITIONS,
    /** The Euler loop. */
    SAMPLING,
    /** Decoder and vocoder. */
    DECODING
  }

  /** A listener that ignores everything. */
  GenerationListener NONE = new GenerationListener() { };

  /**
   * A stage ended.
   *
   * @param stage the stage
   * @param nanos how long it took
   */
  default void stageFinished(Stage stage, long nanos) {
  }

  /**
   * An Euler step ended.
   *
   * @param completed steps done
   * @param total all steps
   */
  default void stepCompleted(int completed, int total) {
  }
}
