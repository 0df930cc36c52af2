package io.foleystream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FoleystreamCliTest {

  @Test
  void versionComesFromTheBuild() {
    CliRun result = CliRun.of("--version");
    assertEquals(0, result.exitCode());
    assertTrue(result.out().matches("foleystream \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\R"),
        "unexpected version line: " + result.out());
  }

  @Test
  void helpListsTheCommands() {
    CliRun result = CliRun.of("--help");
    assertEquals(0, result.exitCode());
    assertTrue(result.out().startsWith("Usage: foleystream"), result.out());
    assertTrue(result.out().contains("demo"), result.out());
  }

  @Test
  void noCommandPrintsUsage() {
    CliRun result = CliRun.of();
    assertEquals(0, result.exitCode());
    assertTrue(result.out().contains("Commands:"), result.out());
  }

  @Test
  void unknownCommandIsAUsageError() {
    CliRun result = CliRun.of("no-such-command");
    assertEquals(2, result.exitCode());
    assertTrue(result.err().contains("no-such-command"), result.err());
  }
}
