package io.foleystream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.inference.ModelSet;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerificationBarTest {

  private static final Path SET = Path.of("../onnx-models/fixtures/tiny/model-set");

  private static String open(long minBytes) {
    StringWriter out = new StringWriter();
    ModelSet.open(SET, new VerificationBar(new ProgressBar(new PrintWriter(out),
        "verifying SHA-256", ProgressBar.Unit.BYTES, true, false), minBytes));
    return out.toString();
  }

  @Test
  void withoutATerminalTheVerificationIsPlainLinesUpToTheWholeSet() {
    List<String> lines = open(0).lines().toList();
    assertTrue(lines.size() >= 2 && lines.size() <= 10, lines.toString());
    int before = 0;
    for (String line : lines) {
      assertTrue(line.matches("verifying SHA-256: [0-9.]+/[0-9.]+ MB \\(\\d+ %\\)  \\S+"), line);
      int percent = Integer.parseInt(line.replaceAll(".*\\((\\d+) %\\).*", "$1"));
      assertTrue(percent > before, lines.toString());
      before = percent;
    }
    assertEquals(100, before);
  }

  @Test
  void aSetUnderTheThresholdDrawsNothing() {
    assertEquals("", open(VerificationBar.MIN_BYTES));
  }
}
