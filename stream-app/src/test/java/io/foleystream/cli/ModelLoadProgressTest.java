package io.foleystream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.inference.FoleyEngine;
import io.foleystream.inference.ModelSet;
import io.foleystream.inference.RuntimeOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelLoadProgressTest {

  private static final Path SET = Path.of("../onnx-models/fixtures/tiny/model-set");

  private static ModelLoadProgress progress(StringWriter out, long minBytes) {
    PrintWriter writer = new PrintWriter(out);
    return new ModelLoadProgress(new ProgressBar(writer, "verifying SHA-256",
        ProgressBar.Unit.BYTES, true, false), new ProgressBar(writer, "creating sessions",
        ProgressBar.Unit.COUNT, true, false), minBytes);
  }

  private static String open(long minBytes) {
    StringWriter out = new StringWriter();
    ModelSet.open(SET, progress(out, minBytes));
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
  void theSessionsFollowTheVerificationAsPlainLinesNamingTheGraph() {
    StringWriter out = new StringWriter();
    try (FoleyEngine engine = FoleyEngine.open(SET, RuntimeOptions.defaults(), false,
        progress(out, 0))) {
      List<String> sessions = out.toString().lines()
          .filter(l -> l.startsWith("creating sessions: ")).toList();
      int total = engine.providers().size();
      assertEquals(total, sessions.size(), out.toString());
      for (int i = 0; i < total; i++) {
        assertTrue(sessions.get(i).matches("creating sessions: " + (i + 1) + "/" + total
            + " \\(\\d+ %\\)  [a-z_]+"), sessions.get(i));
      }
      assertTrue(out.toString().lines().toList().indexOf(sessions.get(0)) > 0,
          "verification first: " + out);
    }
  }

  @Test
  void aSetUnderTheThresholdDrawsNothing() {
    StringWriter out = new StringWriter();
    FoleyEngine.open(SET, RuntimeOptions.defaults(), false,
        progress(out, ModelLoadProgress.MIN_BYTES)).close();
    assertEquals("", out.toString());
  }
}
