package io.foleystream.schemas.registry;

import java.time.Duration;

/**
 * How a failed registry request is retried: up to {@code maxRetries} more attempts, waiting
 * {@code initialWait} before the first and twice as long before each next one, never more than
 * {@code maxWait}. The schedule is deterministic, so the longest time an outage can hold up a
 * caller is known from the configuration alone.
 *
 * @param maxRetries retries after the first attempt; 0 for none
 * @param initialWait wait before the first retry
 * @param maxWait longest wait between two attempts
 */
public record RetryBackoff(int maxRetries, Duration initialWait, Duration maxWait) {

  /** Checks the bounds. */
  public RetryBackoff {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("max.retries must not be negative: " + maxRetries);
    }
    if (initialWait.isNegative() || maxWait.isNegative()) {
      throw new IllegalArgumentException("retry waits must not be negative");
    }
  }

  /**
   * The wait before a retry.
   *
   * @param retry the retry number, from 1
   * @return the wait
   */
  public Duration waitBefore(int retry) {
    long millis = initialWait.toMillis();
    for (int i = 1; i < retry && millis < maxWait.toMillis(); i++) {
      millis *= 2;
    }
    return Duration.ofMillis(Math.min(millis, maxWait.toMillis()));
  }
}
