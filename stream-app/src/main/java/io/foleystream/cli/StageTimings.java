package io.foleystream.cli;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Wall-clock time per stage of a command, printed as a table at the end. */
final class StageTimings {

  private final Map<String, Long> nanos = new LinkedHashMap<>();

  /**
   * Adds time to a stage (stages print in the order first seen).
   *
   * @param stage the stage's name
   * @param elapsed nanoseconds
   */
  void add(String stage, long elapsed) {
    nanos.merge(stage, elapsed, Long::sum);
  }

  /**
   * Total time of all stages.
   *
   * @return nanoseconds
   */
  long totalNanos() {
    return nanos.values().stream().mapToLong(Long::longValue).sum();
  }

  /**
   * Prints one line per stage, the total and the speed as "x real time" (audio seconds per
   * wall-clock second: above 1 is faster than real time).
   *
   * @param out where to print
   * @param audioSeconds seconds of audio produced
   * @param excludedFromRealTime stages not counted in the speed (loading the models)
   */
  void print(PrintWriter out, double audioSeconds, String... excludedFromRealTime) {
    out.println("timing:");
    long generation = totalNanos();
    for (Map.Entry<String, Long> stage : nanos.entrySet()) {
      out.printf(Locale.ROOT, "  %-18s %10.1f ms%n", stage.getKey(), stage.getValue() / 1e6);
    }
    for (String stage : excludedFromRealTime) {
      generation -= nanos.getOrDefault(stage, 0L);
    }
    out.printf(Locale.ROOT, "  %-18s %10.1f ms%n", "total", totalNanos() / 1e6);
    out.printf(Locale.ROOT, "speed %.3f x real time (%.2f s of audio in %.2f s, model loading "
        + "excluded)%n", audioSeconds / (generation / 1e9), audioSeconds, generation / 1e9);
    out.flush();
  }
}
