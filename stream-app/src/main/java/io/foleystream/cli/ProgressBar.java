package io.foleystream.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Progress of a counted task. On a terminal it is one line redrawn in place with a carriage
 * return, e.g. {@code sampling [##########..........] 12/25}; elsewhere (a log file, a pipe, a
 * container's log) carriage returns would pile up into one endless line, so it prints a plain
 * line at every tenth of the work instead, e.g. {@code sampling: 12/25 (48 %)}. A note after the
 * amounts says what is going on (the file being hashed, the windows received).
 */
final class ProgressBar {

  /** How the amounts are written. */
  enum Unit {
    /** Plain counts: {@code 12/25}. */
    COUNT,
    /** Bytes, in MB or GB after the total: {@code 1.20/3.40 GB}. */
    BYTES,
    /** Durations given in milliseconds, written in seconds: {@code 35.2/600 s}. */
    DURATION
  }

  private static final int WIDTH = 30;

  private final PrintWriter out;
  private final String label;
  private final Unit unit;
  private final boolean enabled;
  private final boolean interactive;
  private int lastTenth;
  /** Characters of the bar now on the terminal's current line; 0 when no bar line is open. */
  private int drawn;

  /**
   * A bar of plain counts.
   *
   * @param out where to draw
   * @param label what is counted
   * @param enabled false draws nothing
   * @param interactive true redraws in place (a terminal), false prints plain lines
   */
  ProgressBar(PrintWriter out, String label, boolean enabled, boolean interactive) {
    this(out, label, Unit.COUNT, enabled, interactive);
  }

  /**
   * @param out where to draw
   * @param label what is counted
   * @param unit how the amounts are written
   * @param enabled false draws nothing
   * @param interactive true redraws in place (a terminal), false prints plain lines
   */
  ProgressBar(PrintWriter out, String label, Unit unit, boolean enabled, boolean interactive) {
    this.out = out;
    this.label = label;
    this.unit = unit;
    this.enabled = enabled;
    this.interactive = interactive;
  }

  /**
   * A bar of plain counts that redraws in place when the process has a terminal, plain lines
   * otherwise.
   *
   * @param out where to draw
   * @param label what is counted
   * @param enabled false draws nothing
   * @return the bar
   */
  static ProgressBar forConsole(PrintWriter out, String label, boolean enabled) {
    return forConsole(out, label, Unit.COUNT, enabled);
  }

  /**
   * A bar that redraws in place when the process has a terminal, plain lines otherwise.
   *
   * @param out where to draw
   * @param label what is counted
   * @param unit how the amounts are written
   * @param enabled false draws nothing
   * @return the bar
   */
  static ProgressBar forConsole(PrintWriter out, String label, Unit unit, boolean enabled) {
    return new ProgressBar(out, label, unit, enabled, System.console() != null);
  }

  /**
   * Shows the progress; ends the line once done reaches total.
   *
   * @param done units done
   * @param total all units
   */
  void update(long done, long total) {
    update(done, total, "");
  }

  /**
   * Shows the progress with a note after the amounts; ends the line once done reaches total.
   *
   * @param done units done
   * @param total all units
   * @param note what is going on, or empty
   */
  void update(long done, long total, String note) {
    if (!enabled) {
      return;
    }
    String amounts = amounts(done, total);
    String suffix = note.isEmpty() ? "" : "  " + note;
    if (interactive) {
      int filled = total <= 0 ? WIDTH : (int) Math.min(WIDTH, (long) WIDTH * done / total);
      redraw(label + " [" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] " + amounts
          + suffix);
      if (done >= total) {
        out.println();
        drawn = 0;
      }
    } else {
      int tenth = total <= 0 ? 10 : (int) Math.min(10, 10L * done / total);
      if (tenth == lastTenth) {
        return;
      }
      lastTenth = tenth;
      out.println(label + ": " + amounts + " (" + (total <= 0 ? 100
          : Math.min(100, 100L * done / total)) + " %)" + suffix);
    }
    out.flush();
  }

  /**
   * Prints a line of its own (an event the bar does not count) without tearing the bar: on a
   * terminal the bar's line is overwritten and the bar is drawn again at the next update.
   *
   * @param line the message
   */
  void println(String line) {
    if (enabled && interactive && drawn > 0) {
      out.print("\r" + pad(line));
      drawn = 0;
      out.println();
    } else {
      out.println(line);
    }
    out.flush();
  }

  /** Ends a bar left short of its total (a wait that ended early), so the next output starts on
   * a line of its own. */
  void finish() {
    if (enabled && interactive && drawn > 0) {
      out.println();
      out.flush();
      drawn = 0;
    }
  }

  private void redraw(String line) {
    out.print("\r" + pad(line));
    drawn = line.length();
  }

  /** The line, followed by blanks over whatever is left of a longer bar drawn before. */
  private String pad(String line) {
    return line.length() >= drawn ? line : line + " ".repeat(drawn - line.length());
  }

  private String amounts(long done, long total) {
    return switch (unit) {
      case COUNT -> done + "/" + total;
      case DURATION -> String.format(Locale.ROOT, "%.1f/%.0f s", done / 1e3, total / 1e3);
      case BYTES -> {
        boolean giga = total >= 1_000_000_000L;
        double scale = giga ? 1e9 : 1e6;
        yield String.format(Locale.ROOT, "%.2f/%.2f %s", done / scale, total / scale,
            giga ? "GB" : "MB");
      }
    };
  }
}
