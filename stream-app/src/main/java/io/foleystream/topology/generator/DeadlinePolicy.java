package io.foleystream.topology.generator;

import io.foleystream.schemas.DeadlineAction;
import io.foleystream.schemas.StreamControl;
import io.foleystream.schemas.WindowMode;
import io.foleystream.schemas.WindowTask;
import java.util.Comparator;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Deadlines of windows and what happens to a window that is late for its own.
 *
 * <p>A window is <em>ready</em> when the assembler consumed the last chunk it received before
 * emitting it ({@code WindowTask.lastChunkAt}; older records: {@code assembledAt}, else the
 * moment the generator read it). Its deadline is ready plus its stream's latency budget (the
 * control record's {@code latencyBudgetMillis}, else the configured default). Its lag, when it
 * is taken into a batch, is the time since it was ready.
 *
 * <p>The stream's action ({@code deadlinePolicy}, else the configured default) decides by the lag
 * as a fraction f of the budget:
 * <ul>
 *   <li>{@code QUEUE}: always generated in full;
 *   <li>{@code SKIP}: in full while f &lt; 1, skipped (published as flagged silence) after;
 *   <li>{@code DEGRADE}: full steps while f &lt; 1/2, half of them while f &lt; 3/4, a quarter
 *       after (at least one); the step counts go back up as soon as the lag shrinks, since
 *       every window is decided on its own lag;
 *   <li>{@code DEGRADE_THEN_SKIP}: as {@code DEGRADE} while f &lt; 1, skipped after.
 * </ul>
 * Halving follows the sampler's own time grid rule (a grid of n + 1 points from 0 to 1 for n
 * steps), so 25 steps degrade to 12 and 6.
 */
public final class DeadlinePolicy {

  /**
   * What was decided for one window.
   *
   * @param streamId the stream
   * @param windowIndex the window
   * @param deadlineMillis its deadline, wall clock
   * @param decidedAtMillis when it was taken into a batch
   * @param fullSteps the steps its settings ask for
   * @param steps the steps it is generated with (0 when skipped)
   * @param skipped whether it is published as silence
   * @param action the stream's action that decided
   */
  public record Decision(String streamId, long windowIndex, long deadlineMillis,
      long decidedAtMillis, int fullSteps, int steps, boolean skipped, DeadlineAction action) {

    /**
     * Whether the window is generated with fewer steps than asked for.
     *
     * @return true when degraded
     */
    public boolean degraded() {
      return !skipped && steps < fullSteps;
    }

    /**
     * Whether the decision was taken after the deadline had passed.
     *
     * @return true when late
     */
    public boolean late() {
      return decidedAtMillis > deadlineMillis;
    }
  }

  private final long defaultBudgetMillis;
  private final DeadlineAction defaultAction;

  /**
   * @param defaultBudgetMillis latency budget of streams whose control record sets none
   * @param defaultAction action of streams whose control record sets none
   * @throws IllegalArgumentException if the budget is not positive
   */
  public DeadlinePolicy(long defaultBudgetMillis, DeadlineAction defaultAction) {
    if (defaultBudgetMillis <= 0) {
      throw new IllegalArgumentException("the latency budget must be positive: "
          + defaultBudgetMillis + " ms");
    }
    this.defaultBudgetMillis = defaultBudgetMillis;
    this.defaultAction = defaultAction;
  }

  /**
   * The latency budget of a stream.
   *
   * @param control its latest control record, or null
   * @return milliseconds
   */
  public long budgetMillis(StreamControl control) {
    Long budget = control == null ? null : control.getLatencyBudgetMillis();
    return budget != null && budget > 0 ? budget : defaultBudgetMillis;
  }

  /**
   * The action for a stream's window: the stream's own, else for a live window degrade then
   * skip (a live viewer wants the audio in time more than at full quality), else the default.
   *
   * @param control the stream's latest control record, or null
   * @param task the window
   * @return the action
   */
  public DeadlineAction action(StreamControl control, WindowTask task) {
    DeadlineAction action = control == null ? null : control.getDeadlinePolicy();
    if (action != null) {
      return action;
    }
    boolean live = task.getGrid() != null && task.getGrid().getMode() == WindowMode.LIVE;
    return live ? DeadlineAction.DEGRADE_THEN_SKIP : defaultAction;
  }

  /**
   * When a window became ready.
   *
   * @param task the window
   * @param receivedAtMillis when the generator read it
   * @return wall-clock milliseconds
   */
  public static long readyAtMillis(WindowTask task, long receivedAtMillis) {
    if (task.getLastChunkAt() != null) {
      return task.getLastChunkAt().toEpochMilli();
    }
    return task.getAssembledAt() != null ? task.getAssembledAt().toEpochMilli()
        : receivedAtMillis;
  }

  /**
   * A window's deadline.
   *
   * @param task the window
   * @param control its stream's latest control record, or null
   * @param receivedAtMillis when the generator read it
   * @return wall-clock milliseconds
   */
  public long deadlineMillis(WindowTask task, StreamControl control, long receivedAtMillis) {
    return readyAtMillis(task, receivedAtMillis) + budgetMillis(control);
  }

  /**
   * Decides how a window taken into a batch now is generated.
   *
   * @param task the window
   * @param control its stream's latest control record, or null
   * @param fullSteps the steps its settings ask for
   * @param receivedAtMillis when the generator read it
   * @param nowMillis now
   * @return the decision
   */
  public Decision decide(WindowTask task, StreamControl control, int fullSteps,
      long receivedAtMillis, long nowMillis) {
    long ready = readyAtMillis(task, receivedAtMillis);
    long budget = budgetMillis(control);
    long deadline = ready + budget;
    long lag = nowMillis - ready;
    boolean past = lag > budget;
    DeadlineAction action = action(control, task);
    int steps = fullSteps;
    boolean skip = false;
    switch (action) {
      case QUEUE -> { }
      case SKIP -> skip = past;
      case DEGRADE -> steps = degraded(fullSteps, lag, budget);
      case DEGRADE_THEN_SKIP -> {
        skip = past;
        steps = degraded(fullSteps, lag, budget);
      }
      default -> throw new IllegalStateException("unknown deadline action " + action);
    }
    return new Decision(task.getStreamId(), task.getWindowIndex(), deadline, nowMillis,
        fullSteps, skip ? 0 : steps, skip, action);
  }

  /** Full steps below half the budget, half below three quarters, a quarter after. */
  private static int degraded(int fullSteps, long lag, long budget) {
    if (2 * lag < budget) {
      return fullSteps;
    }
    if (4 * lag < 3 * budget) {
      return Math.max(1, fullSteps / 2);
    }
    return Math.max(1, fullSteps / 4);
  }

  /**
   * Earliest deadline first, for the {@link BatchPolicy}. Windows of {@code QUEUE} streams that
   * are past their deadline already come after every other: they will be generated in full
   * however late, and taking them first would make windows that can still be on time late as
   * well (this is what keeps a stream replaying a backlog from delaying a live stream's window
   * by more than the batch that runs). Records that failed to decode come first: they cost
   * nothing.
   *
   * @param controls each stream's latest control record (or null)
   * @param clock wall-clock milliseconds
   * @return the order
   */
  public Comparator<PendingWindow> order(Function<String, StreamControl> controls,
      LongSupplier clock) {
    return (a, b) -> {
      long now = clock.getAsLong();
      int byLateness = Boolean.compare(lateInQueue(a, controls, now),
          lateInQueue(b, controls, now));
      if (byLateness != 0) {
        return byLateness;
      }
      int byDeadline = Long.compare(deadline(a, controls), deadline(b, controls));
      return byDeadline != 0 ? byDeadline
          : Long.compare(a.receivedAtMillis(), b.receivedAtMillis());
    };
  }

  private long deadline(PendingWindow w, Function<String, StreamControl> controls) {
    if (w.task() == null) {
      return Long.MIN_VALUE;
    }
    return deadlineMillis(w.task(), controls.apply(w.task().getStreamId()),
        w.receivedAtMillis());
  }

  private boolean lateInQueue(PendingWindow w, Function<String, StreamControl> controls,
      long now) {
    if (w.task() == null) {
      return false;
    }
    StreamControl control = controls.apply(w.task().getStreamId());
    return action(control, w.task()) == DeadlineAction.QUEUE
        && now > deadlineMillis(w.task(), control, w.receivedAtMillis());
  }
}
