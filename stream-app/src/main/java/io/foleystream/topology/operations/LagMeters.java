package io.foleystream.topology.operations;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How far behind generation is, and what the deadline policies did about it.
 *
 * <table>
 *   <caption>meters (Prometheus names)</caption>
 *   <tr><th>name</th><th>tags</th><th>what</th></tr>
 *   <tr><td>foleystream_stream_lag_seconds</td><td>stream</td><td>age of the stream's oldest
 *       window read and not yet committed (present while the stream has one)</td></tr>
 *   <tr><td>foleystream_generation_lag_seconds</td><td></td><td>age of the oldest window read
 *       and not yet committed, over all streams (0 when none waits)</td></tr>
 *   <tr><td>foleystream_windows_deadline_missed_total</td><td>policy</td><td>windows committed
 *       after their deadline</td></tr>
 *   <tr><td>foleystream_windows_skipped_total</td><td>policy</td><td>windows published as
 *       silence because they were past their deadline</td></tr>
 *   <tr><td>foleystream_windows_degraded_total</td><td>policy, steps</td><td>windows generated
 *       with fewer Euler steps because they were late</td></tr>
 * </table>
 */
public final class LagMeters {

  private final MeterRegistry registry;
  private final Map<String, AtomicLong> streamLagMillis = new ConcurrentHashMap<>();
  private final Map<String, Gauge> streamGauges = new ConcurrentHashMap<>();
  private final AtomicLong maxLagMillis = new AtomicLong();

  /**
   * Registers the meters that exist from the start.
   *
   * @param registry where they live
   */
  public LagMeters(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("foleystream.generation.lag", maxLagMillis, v -> v.get() / 1000.0)
        .baseUnit("seconds")
        .description("Age of the oldest window read by the generator and not yet committed,"
            + " over all streams (0 when none waits)")
        .register(registry);
  }

  /**
   * Sets every stream's lag; streams not named have nothing waiting.
   *
   * @param lagMillisByStream the age of each stream's oldest waiting window
   */
  public void lags(Map<String, Long> lagMillisByStream) {
    long max = 0;
    for (Map.Entry<String, Long> e : lagMillisByStream.entrySet()) {
      long lag = Math.max(0, e.getValue());
      max = Math.max(max, lag);
      streamLagMillis.computeIfAbsent(e.getKey(), this::register).set(lag);
    }
    for (String stream : streamLagMillis.keySet()) {
      if (!lagMillisByStream.containsKey(stream)) {
        streamLagMillis.remove(stream);
        Gauge gauge = streamGauges.remove(stream);
        if (gauge != null) {
          registry.remove(gauge);
        }
      }
    }
    maxLagMillis.set(max);
  }

  private AtomicLong register(String stream) {
    AtomicLong value = new AtomicLong();
    streamGauges.put(stream, Gauge.builder("foleystream.stream.lag", value,
        v -> v.get() / 1000.0).baseUnit("seconds").tag("stream", stream)
        .description("Age of the stream's oldest window read by the generator and not yet"
            + " committed").register(registry));
    return value;
  }

  /**
   * The age of the oldest waiting window.
   *
   * @return milliseconds, 0 when none waits
   */
  public long maxLagMillis() {
    return maxLagMillis.get();
  }

  /**
   * Counts a window committed after its deadline.
   *
   * @param policy its stream's deadline policy
   */
  public void deadlineMissed(String policy) {
    Counter.builder("foleystream.windows.deadline.missed").tag("policy", tag(policy))
        .description("Windows committed after their deadline").register(registry).increment();
  }

  /**
   * Counts a window published as silence because it was late.
   *
   * @param policy its stream's deadline policy
   */
  public void skipped(String policy) {
    Counter.builder("foleystream.windows.skipped").tag("policy", tag(policy))
        .description("Windows published as silence because they were past their deadline")
        .register(registry).increment();
  }

  /**
   * Counts a window generated with fewer steps because it was late.
   *
   * @param policy its stream's deadline policy
   * @param steps the steps it was generated with
   */
  public void degraded(String policy, int steps) {
    Counter.builder("foleystream.windows.degraded").tag("policy", tag(policy))
        .tag("steps", String.valueOf(steps))
        .description("Windows generated with fewer Euler steps because they were late")
        .register(registry).increment();
  }

  private static String tag(String policy) {
    return policy.toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
