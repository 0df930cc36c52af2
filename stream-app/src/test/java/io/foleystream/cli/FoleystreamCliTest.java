package io.foleystream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class FoleystreamCliTest {

  private record Result(int exitCode, String out, String err) {}

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = FoleystreamCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void versionComesFromTheBuild() {
    Result result = run("--version");
    assertEquals(0, result.exitCode());
    assertTrue(result.out().matches("foleystream \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R"),
        "unexpected version line: " + result.out());
  }

  @Test
  void helpListsTheCommands() {
    Result result = run("--help");
    assertEquals(0, result.exitCode());
    assertTrue(result.out().startsWith("Usage: foleystream"), result.out());
    assertTrue(result.out().contains("demo"), result.out());
  }

  @Test
  void noCommandPrintsUsage() {
    Result result = run();
    assertEquals(0, result.exitCode());
    assertTrue(result.out().contains("Commands:"), result.out());
  }

  @Test
  void unknownCommandIsAUsageError() {
    Result result = run("no-such-command");
    assertEquals(2, result.exitCode());
    assertTrue(result.err().contains("no-such-command"), result.err());
  }
}
