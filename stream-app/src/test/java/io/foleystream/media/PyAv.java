package io.foleystream.media;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * PyAV (Debian's {@code python3-av}, FFmpeg underneath) as the independent reference decoder.
 * Where it is missing a test is skipped with a message, except in CI ({@code CI=true}), where the
 * launcher installs it and its absence is a failure.
 */
final class PyAv {

  private static final Path PYTHON = Path.of("/usr/bin/python3");

  private PyAv() {}

  /** Skips the calling test (fails it in CI) unless /usr/bin/python3 can import av. */
  static void require() throws Exception {
    boolean present = Files.isExecutable(PYTHON)
        && new ProcessBuilder(PYTHON.toString(), "-c", "import av").redirectErrorStream(true)
            .start().waitFor() == 0;
    if (present) {
      return;
    }
    String message = "PyAV is missing: install python3-av (the launcher does)";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(message);
    }
    assumeTrue(false, message);
  }

  /**
   * Runs a Python script from this package's test resources and returns the lines of its output
   * that start with a digit (FFmpeg's warnings do not).
   */
  static List<String> run(Path dir, String script, String... args) throws Exception {
    Path file = dir.resolve(script);
    if (!Files.exists(file)) {
      try (InputStream in = PyAv.class.getResourceAsStream(script)) {
        Files.copy(in, file);
      }
    }
    List<String> command = new ArrayList<>(List.of(PYTHON.toString(), file.toString()));
    command.addAll(List.of(args));
    Path output = dir.resolve(script + ".out");
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(output.toFile()).start();
    boolean finished = process.waitFor(120, TimeUnit.SECONDS);
    if (!finished) {
      process.destroyForcibly();
    }
    String out = Files.readString(output, StandardCharsets.UTF_8);
    if (!finished || process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
    }
    return out.lines().filter(line -> !line.isEmpty() && Character.isDigit(line.charAt(0)))
        .toList();
  }
}
