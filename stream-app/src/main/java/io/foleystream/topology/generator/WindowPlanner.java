package io.foleystream.topology.generator;

import io.foleystream.schemas.DeadlineAction;
import io.foleystream.schemas.GenerationSettings;
import io.foleystream.schemas.StreamControl;
import io.foleystream.schemas.WindowTask;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Settles, when a batch is taken, how each of its windows is generated: the stream's settings
 * from its latest control record (not those in force when the window was assembled) and the
 * {@link DeadlinePolicy}'s decision (full, fewer steps, or skipped).
 *
 * <p>A control record's null field keeps the configured default; an empty prompt or negative
 * prompt means "none". The model variant stays the one the window was assembled with unless
 * the latest control record names one.
 */
public final class WindowPlanner {

  /**
   * The generator's defaults for what a control record leaves null.
   *
   * @param prompt default prompt
   * @param negativePrompt default negative prompt
   * @param seed global seed
   * @param steps default Euler steps
   * @param cfgStrength default guidance strength
   * @param maskAwayClip whether CLIP features are masked away by default
   */
  public record Defaults(String prompt, String negativePrompt, long seed, int steps,
      double cfgStrength, boolean maskAwayClip) {

    /**
     * Defaults that keep the CLIP features.
     *
     * @param prompt default prompt
     * @param negativePrompt default negative prompt
     * @param seed global seed
     * @param steps default Euler steps
     * @param cfgStrength default guidance strength
     */
    public Defaults(String prompt, String negativePrompt, long seed, int steps,
        double cfgStrength) {
      this(prompt, negativePrompt, seed, steps, cfgStrength, false);
    }
  }

  private final Function<String, StreamControl> controls;
  private final Defaults defaults;
  private final DeadlinePolicy deadlines;
  private final Consumer<DeadlinePolicy.Decision> decisions;

  /**
   * @param controls each stream's latest control record, or null
   * @param defaults what null fields mean
   * @param deadlines decides what happens to late windows
   * @param decisions told every decision (meters, tests)
   */
  public WindowPlanner(Function<String, StreamControl> controls, Defaults defaults,
      DeadlinePolicy deadlines, Consumer<DeadlinePolicy.Decision> decisions) {
    this.controls = controls;
    this.defaults = defaults;
    this.deadlines = deadlines;
    this.decisions = decisions;
  }

  /**
   * Sets each window's generation settings to those in force now, and decides its fate.
   *
   * @param batch the batch, as the {@link BatchPolicy} formed it
   * @param nowMillis now
   * @return the windows to publish as silence instead of generating them (by identity)
   */
  public Set<WindowTask> plan(List<PendingWindow> batch, long nowMillis) {
    Set<WindowTask> skipped = Collections.newSetFromMap(new IdentityHashMap<>());
    for (PendingWindow p : batch) {
      WindowTask task = p.task();
      if (task == null) {
        continue;
      }
      StreamControl control = controls.apply(task.getStreamId());
      GenerationSettings settings = settings(task, control);
      DeadlinePolicy.Decision decision = deadlines.decide(task, control, settings.getSteps(),
          p.receivedAtMillis(), nowMillis);
      if (decision.skipped()) {
        skipped.add(task);
      } else {
        settings.setSteps(decision.steps());
      }
      task.setGeneration(settings);
      decisions.accept(decision);
    }
    return skipped;
  }

  /**
   * A window's deadline with its stream's latest control record.
   *
   * @param window the window
   * @return wall-clock milliseconds, or -1 for a record that did not decode
   */
  public long deadlineMillis(PendingWindow window) {
    if (window.task() == null) {
      return -1;
    }
    return deadlines.deadlineMillis(window.task(),
        controls.apply(window.task().getStreamId()), window.receivedAtMillis());
  }

  /**
   * A window's stream's deadline action now.
   *
   * @param window the window (decoded)
   * @return the action
   */
  public DeadlineAction action(PendingWindow window) {
    return deadlines.action(controls.apply(window.task().getStreamId()), window.task());
  }

  /**
   * The settings in force for a window now.
   *
   * @param task the window
   * @param control its stream's latest control record, or null
   * @return a fresh settings record
   */
  GenerationSettings settings(WindowTask task, StreamControl control) {
    if (control == null) {
      return new GenerationSettings(defaults.prompt(), defaults.negativePrompt(),
          defaults.seed(), defaults.steps(), defaults.cfgStrength(),
          task.getGeneration().getModelVariant(), defaults.maskAwayClip());
    }
    return new GenerationSettings(
        control.getPrompt() != null ? control.getPrompt() : defaults.prompt(),
        control.getNegativePrompt() != null ? control.getNegativePrompt()
            : defaults.negativePrompt(),
        control.getSeed() != null ? control.getSeed() : defaults.seed(),
        control.getSteps() != null ? control.getSteps() : defaults.steps(),
        control.getCfgStrength() != null ? control.getCfgStrength() : defaults.cfgStrength(),
        control.getModelVariant() != null ? control.getModelVariant()
            : task.getGeneration().getModelVariant(),
        control.getMaskAwayClip() != null ? control.getMaskAwayClip()
            : defaults.maskAwayClip());
  }
}
