package io.foleystream.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reports the process's peak resident set size where Linux exposes it. */
final class PeakMemory {

  private static final Path STATUS = Path.of("/proc/self/status");

  private PeakMemory() {}

  /**
   * Prints the peak RSS (VmHWM) if /proc is there; prints nothing elsewhere.
   *
   * @param out where to print
   */
  static void print(PrintWriter out) {
    if (!Files.isReadable(STATUS)) {
      return;
    }
    try {
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith("VmHWM:")) {
          out.println("peak RSS " + line.substring(6).strip());
          out.flush();
        }
      }
    } catch (IOException e) {
      out.println("peak RSS unavailable: " + e.getMessage());
    }
  }
}
