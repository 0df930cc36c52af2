package io.foleystream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

  private static String draw(boolean interactive, int total) {
    StringWriter out = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(out), "sampling", true, interactive);
    for (int done = 1; done <= total; done++) {
      bar.update(done, total);
    }
    return out.toString();
  }

  @Test
  void withoutATerminalItPrintsOnePlainLinePerTenth() {
    for (int total : new int[] {7, 25, 100}) {
      String out = draw(false, total);
      assertFalse(out.contains("\r"), out);
      String[] lines = out.strip().split("\n");
      assertEquals(Math.min(total, 10), lines.length, out);
      assertEquals("sampling: " + total + "/" + total + " (100 %)", lines[lines.length - 1]);
    }
  }

  @Test
  void onATerminalItRedrawsOneLine() {
    String out = draw(true, 25);
    assertEquals(25, out.chars().filter(c -> c == '\r').count());
    assertTrue(out.endsWith("] 25/25" + System.lineSeparator()), out);
  }

  @Test
  void disabledDrawsNothing() {
    StringWriter out = new StringWriter();
    new ProgressBar(new PrintWriter(out), "x", false, true).update(1, 2);
    assertEquals("", out.toString());
  }

  @Test
  void bytesAreWrittenInTheTotalsUnitWithTheNoteAfterThem() {
    StringWriter out = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(out), "verifying", ProgressBar.Unit.BYTES,
        true, false);
    bar.update(1_500_000_000L, 3_000_000_000L, "velocity.onnx");
    bar.update(3_000_000_000L, 3_000_000_000L, "decoder.onnx");
    assertEquals("verifying: 1.50/3.00 GB (50 %)  velocity.onnx\n"
        + "verifying: 3.00/3.00 GB (100 %)  decoder.onnx\n", out.toString().replace(
        System.lineSeparator(), "\n"));
  }

  @Test
  void aMessageOnATerminalOverwritesTheBarAndFinishEndsItsLine() {
    StringWriter out = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(out), "waiting for audio",
        ProgressBar.Unit.DURATION, true, true);
    bar.update(2_500, 600_000, "0 window(s)");
    String drawn = out.toString();
    bar.println("window 0");
    String message = out.toString().substring(drawn.length());
    // The message covers the whole bar it replaces, then starts a new line.
    assertEquals("\r" + "window 0" + " ".repeat(drawn.length() - 1 - "window 0".length())
        + System.lineSeparator(), message);
    bar.update(3_000, 600_000, "1 window(s)");
    bar.finish();
    assertTrue(out.toString().endsWith("] 3.0/600 s  1 window(s)" + System.lineSeparator()),
        out.toString());
  }
}
