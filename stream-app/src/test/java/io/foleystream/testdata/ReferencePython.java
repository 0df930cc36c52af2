package io.foleystream.testdata;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Debian's {@code /usr/bin/python3} with the packages the reference checks import (torch, PyAV,
 * the exporter's stack). Where one is missing a test is skipped with a message, except in CI
 * ({@code CI=true}), where the launcher installs them and their absence is a failure.
 */
public final class ReferencePython {

  /** The interpreter (the {@code python3} on PATH may be another one, without torch). */
  public static final Path PYTHON = Path.of("/usr/bin/python3");

  private ReferencePython() {}

  /**
   * Skips the calling test (fails it in CI) unless the interpreter can import a module.
   *
   * @param module e.g. {@code "torch"}
   * @param missing the message when it cannot, naming the package to install
   * @throws Exception if the interpreter cannot be started or waited for
   */
  public static void require(String module, String missing) throws Exception {
    boolean present = Files.isExecutable(PYTHON)
        && new ProcessBuilder(PYTHON.toString(), "-c", "import " + module)
            .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
            .waitFor() == 0;
    if (present) {
      return;
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(missing);
    }
    assumeTrue(false, missing);
  }
}
