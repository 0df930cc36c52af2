package io.foleystream.topology.generator;

import io.foleystream.topology.operations.LagMeters;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Measures how far behind the generator is: per stream, the age of its oldest window read and
 * not yet committed (since the window was ready, see {@link DeadlinePolicy#readyAtMillis}), and
 * which committed windows missed their deadline.
 */
public final class LagTracker {

  private final WindowPlanner planner;
  private final LagMeters meters;

  /**
   * @param planner knows each window's deadline and its stream's policy
   * @param meters where the lag and the misses are shown
   */
  public LagTracker(WindowPlanner planner, LagMeters meters) {
    this.planner = planner;
    this.meters = meters;
  }

  /**
   * Sets the lag from the windows read and not yet committed.
   *
   * @param waiting those windows (waiting and running)
   * @param nowMillis now
   */
  public void observe(Collection<PendingWindow> waiting, long nowMillis) {
    Map<String, Long> lag = new HashMap<>();
    for (PendingWindow p : waiting) {
      if (p.task() != null) {
        long age = nowMillis - DeadlinePolicy.readyAtMillis(p.task(), p.receivedAtMillis());
        lag.merge(p.task().getStreamId(), age, Math::max);
      }
    }
    meters.lags(lag);
  }

  /**
   * Counts the committed windows that missed their deadline.
   *
   * @param committed the windows committed
   * @param nowMillis when they were committed
   */
  public void committed(Collection<PendingWindow> committed, long nowMillis) {
    for (PendingWindow p : committed) {
      if (p.task() != null && nowMillis > planner.deadlineMillis(p)) {
        meters.deadlineMissed(planner.action(p).name());
      }
    }
  }
}
