package io.foleystream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchmarkCommandTest {

  @Test
  void timesEveryStageOfAWindow() {
    StringWriter err = new StringWriter();
    CommandLine cli = FoleystreamCli.commandLine();
    cli.setErr(new PrintWriter(err));
    int code = cli.execute("benchmark-inference", "--models",
        "../onnx-models/fixtures/tiny/model-set", "--threads", "2", "--runs", "1", "--steps", "2");
    assertEquals(0, code, err.toString());
    for (String line : new String[] {"run 1 of 1 (2 steps", "clip image", "synchformer",
        "text features", "conditions", "sampling", "decoding", "x real time", "peak RSS"}) {
      assertTrue(err.toString().contains(line), line + " missing from:\n" + err);
    }
  }

  @Test
  void aMissingSetIsAClearError() {
    StringWriter err = new StringWriter();
    CommandLine cli = FoleystreamCli.commandLine();
    cli.setErr(new PrintWriter(err));
    assertEquals(ExitCodes.USAGE, cli.execute("benchmark-inference", "--models",
        "no-such-set"));
    assertTrue(err.toString().contains("no-such-set: no such folder"), err.toString());
  }
}
