package io.foleystream.topology.generator;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * How long a window may keep failing for reasons that are not its record's fault (a payload
 * server down, a decoder or runtime failure) before the generator gives up on it: a number of
 * attempts or a time since its first failure, whichever comes first. Once a batch's budget is
 * spent, the driver generates its windows one by one and dead-letters those that still fail,
 * with the cause, so the partition moves on and other streams wait no longer than the budget.
 *
 * <p>Not thread-safe: the driver's loop alone uses it.
 */
public final class RetryBudget {

  /** A window, by where it was read. */
  public record Window(TopicPartition partition, long offset) {}

  private record Spent(int attempts, long firstFailureMillis) {}

  private final int maxAttempts;
  private final long budgetMillis;
  private final Map<Window, Spent> failures = new HashMap<>();

  /**
   * @param maxAttempts attempts (the first one included) before a window is given up
   * @param budgetMillis time after a window's first failure at which it is given up
   * @throws IllegalArgumentException if either is not positive
   */
  public RetryBudget(int maxAttempts, long budgetMillis) {
    if (maxAttempts < 1 || budgetMillis < 0) {
      throw new IllegalArgumentException("retry attempts must be positive and the retry budget"
          + " not negative");
    }
    this.maxAttempts = maxAttempts;
    this.budgetMillis = budgetMillis;
  }

  /**
   * The defaults of the configuration keys: 4 attempts within 30 s.
   *
   * @return the budget
   */
  public static RetryBudget defaults() {
    return new RetryBudget(4, 30_000);
  }

  /**
   * Counts a failed attempt of every window of a batch.
   *
   * @param windows the batch's windows
   * @param nowMillis wall-clock time
   * @return true when one of them has spent its budget
   */
  public boolean failed(Collection<Window> windows, long nowMillis) {
    boolean spent = false;
    for (Window w : windows) {
      Spent s = failures.merge(w, new Spent(1, nowMillis),
          (old, one) -> new Spent(old.attempts() + 1, old.firstFailureMillis()));
      spent |= s.attempts() >= maxAttempts || nowMillis - s.firstFailureMillis() >= budgetMillis;
    }
    return spent;
  }

  /**
   * The time left before the first of these windows spends its budget.
   *
   * @param windows the windows
   * @param nowMillis wall-clock time
   * @return milliseconds, never negative
   */
  public long remainingMillis(Collection<Window> windows, long nowMillis) {
    long remaining = budgetMillis;
    for (Window w : windows) {
      Spent s = failures.get(w);
      if (s != null) {
        remaining = Math.min(remaining, budgetMillis - (nowMillis - s.firstFailureMillis()));
      }
    }
    return Math.max(0, remaining);
  }

  /**
   * Forgets windows that were generated or dead-lettered.
   *
   * @param windows the windows
   */
  public void forget(Collection<Window> windows) {
    windows.forEach(failures::remove);
  }

  /**
   * Attempts allowed.
   *
   * @return the count
   */
  public int maxAttempts() {
    return maxAttempts;
  }
}
