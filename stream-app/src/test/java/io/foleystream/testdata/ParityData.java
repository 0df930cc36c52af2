package io.foleystream.testdata;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The parity data of the official implementation: {@code ../shared/parity} beside the checkout,
 * or the directory {@code FOLEYSTREAM_PARITY_DIR} names. Tests that need it are skipped, saying
 * why, where it is absent (a fresh clone without it runs the rest), and read every size, prompt
 * and count from the data itself, so that any parity directory of the same layout passes.
 */
public final class ParityData {

  /** The environment variable that names another parity directory. */
  public static final String ENVIRONMENT = "FOLEYSTREAM_PARITY_DIR";

  private ParityData() {}

  /**
   * The parity directory, whether or not it exists.
   *
   * @return the directory (relative paths are relative to the module directory)
   */
  public static Path directory() {
    String override = System.getenv(ENVIRONMENT);
    return override == null || override.isEmpty()
        ? Path.of("..", "..", "shared", "parity") : Path.of(override);
  }

  /**
   * A part of the parity data; skips the calling test when it is absent.
   *
   * @param part a path inside the parity directory, e.g. {@code "tokenizer"}
   * @return the path
   */
  public static Path require(String part) {
    Path path = directory().resolve(part);
    assumeTrue(Files.exists(path), () -> "parity data " + path.toAbsolutePath().normalize()
        + " is not present; set " + ENVIRONMENT + " to a parity directory to run this test");
    return path;
  }

  /**
   * The {@code config.json} of a parity directory.
   *
   * @param component e.g. {@code "synchformer_tiny"}
   * @return the parsed configuration
   */
  public static JsonNode config(String component) throws IOException {
    return new ObjectMapper().readTree(require(component).resolve("config.json").toFile());
  }
}
