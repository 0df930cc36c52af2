package io.foleystream.deploy;

import java.nio.file.Files;
import java.nio.file.Path;

/** Files of this repository, seen from the module directory the tests run in. */
final class Repository {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  private Repository() {}

  /**
   * The repository root (the Docker build context).
   *
   * @return the directory
   */
  static Path root() {
    if (!Files.isRegularFile(ROOT.resolve("docker/Dockerfile"))) {
      throw new IllegalStateException(ROOT + " is not the repository root (no docker/Dockerfile)");
    }
    return ROOT;
  }

  /**
   * A file of the repository.
   *
   * @param relative its path from the root
   * @return the path
   */
  static Path file(String relative) {
    return root().resolve(relative);
  }
}
