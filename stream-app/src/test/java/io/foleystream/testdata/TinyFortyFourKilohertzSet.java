package io.foleystream.testdata;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A tiny model set with the 44.1 kHz geometry (x512 BigVGAN-v2-style vocoder, 128 mel bins,
 * 1024 samples per latent frame, 345 latent frames a window), exported with random weights by the
 * project's exporter when a test asks for it: the committed tiny set is 16 kHz, and a second
 * 3.6 MB set is cheaper to build (about 15 s) than to keep in the repository.
 */
public final class TinyFortyFourKilohertzSet {

  private static final Path EXPORTER = Path.of("..", "onnx-models");
  private static final String CONFIG = "tiny_44k.json";

  private TinyFortyFourKilohertzSet() {}

  /**
   * Exports the set (skipping the calling test where Debian's Python stack is missing, failing
   * it in CI).
   *
   * @param dir an empty working directory
   * @return the model set directory
   * @throws Exception if the export fails or does not finish within 5 minutes
   */
  public static Path export(Path dir) throws Exception {
    ReferencePython.require("torch", "the exporter's Python stack is missing: Debian's"
        + " /usr/bin/python3 with python3-torch and python3-onnx (the launcher installs them)");
    Path config = dir.resolve(CONFIG);
    try (InputStream in = TinyFortyFourKilohertzSet.class.getResourceAsStream(CONFIG)) {
      Files.copy(in, config);
    }
    Path out = dir.resolve("model-set");
    Path log = dir.resolve("export.log");
    Process process = new ProcessBuilder(ReferencePython.PYTHON.toString(), "-m",
        "foleystream_export", "export", "--config", config.toAbsolutePath().toString(),
        "--random-init", "7", "--bpe", "foleystream_export/variants/tiny_bpe.txt.gz", "--out",
        out.toAbsolutePath().toString())
        .directory(EXPORTER.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
        .start();
    boolean finished = process.waitFor(5, TimeUnit.MINUTES);
    if (!finished) {
      process.destroyForcibly();
    }
    assertTrue(finished && process.exitValue() == 0, "export of the 44.1 kHz tiny set failed: "
        + Files.readString(log, StandardCharsets.UTF_8));
    return out;
  }
}
