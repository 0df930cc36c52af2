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
}
