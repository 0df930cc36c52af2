package io.foleystream.media;

import io.foleystream.testdata.ReferencePython;
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

  private static final Path PYTHON = ReferencePython.PYTHON;

  private PyAv() {}

  /** Skips the calling test (fails it in CI) unless /usr/bin/python3 can import av. */
  static void require() throws Exception {
    ReferencePython.require("av", "PyAV is missing: install python3-av (the launcher does)");
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
