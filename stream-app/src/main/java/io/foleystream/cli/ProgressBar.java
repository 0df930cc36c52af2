package io.foleystream.cli;

import java.io.PrintWriter;

/**
 * A one-line text progress bar redrawn in place with a carriage return, e.g.
 * {@code sampling [##########..........] 12/25}.
 */
final class ProgressBar {

  private static final int WIDTH = 30;

  private final PrintWriter out;
  private final String label;
  private final boolean enabled;

  ProgressBar(PrintWriter out, String label, boolean enabled) {
    this.out = out;
    this.label = label;
    this.enabled = enabled;
  }

  /**
   * Redraws the bar; ends the line once done reaches total.
   *
   * @param done units done
   * @param total all units
   */
  void update(int done, int total) {
    if (!enabled) {
      return;
    }
    int filled = total == 0 ? WIDTH : (int) ((long) WIDTH * done / total);
    out.print("\r" + label + " [" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] "
        + done + "/" + total);
    if (done >= total) {
      out.println();
    }
    out.flush();
  }
}
