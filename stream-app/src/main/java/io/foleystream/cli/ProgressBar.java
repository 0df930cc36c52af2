package io.foleystream.cli;

import java.io.PrintWriter;

/**
 * Progress of a counted task. On a terminal it is one line redrawn in place with a carriage
 * return, e.g. {@code sampling [##########..........] 12/25}; elsewhere (a log file, a pipe, a
 * container's log) carriage returns would pile up into one endless line, so it prints a plain
 * line at every tenth of the work instead, e.g. {@code sampling: 12/25 (48 %)}.
 */
final class ProgressBar {

  private static final int WIDTH = 30;

  private final PrintWriter out;
  private final String label;
  private final boolean enabled;
  private final boolean interactive;
  private int lastTenth;

  /**
   * @param out where to draw
   * @param label what is counted
   * @param enabled false draws nothing
   * @param interactive true redraws in place (a terminal), false prints plain lines
   */
  ProgressBar(PrintWriter out, String label, boolean enabled, boolean interactive) {
    this.out = out;
    this.label = label;
    this.enabled = enabled;
    this.interactive = interactive;
  }

  /**
   * A bar that redraws in place when the process has a terminal, plain lines otherwise.
   *
   * @param out where to draw
   * @param label what is counted
   * @param enabled false draws nothing
   * @return the bar
   */
  static ProgressBar forConsole(PrintWriter out, String label, boolean enabled) {
    return new ProgressBar(out, label, enabled, System.console() != null);
  }

  /**
   * Shows the progress; ends the line once done reaches total.
   *
   * @param done units done
   * @param total all units
   */
  void update(int done, int total) {
    if (!enabled) {
      return;
    }
    if (interactive) {
      int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
      out.print("\r" + label + " [" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] "
          + done + "/" + total);
      if (done >= total) {
        out.println();
      }
    } else {
      int tenth = total == 0 ? 10 : (int) (10L * done / total);
      if (tenth == lastTenth) {
        return;
      }
      lastTenth = tenth;
      out.println(label + ": " + done + "/" + total + " (" + (total == 0 ? 100
          : 100L * done / total) + " %)");
    }
    out.flush();
  }
}
