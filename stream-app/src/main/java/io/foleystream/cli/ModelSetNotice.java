package io.foleystream.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Says what loading a model set will do before it starts: loading hashes every file of the set
 * (SHA-256 against the manifest) and then creates the sessions, which takes tens of seconds for a
 * real set and would otherwise look like a hang.
 */
final class ModelSetNotice {

  private ModelSetNotice() {}

  /**
   * Prints one line naming the set, its file count and size.
   *
   * @param err where to print
   * @param set the model set folder
   */
  static void print(PrintWriter err, Path set) {
    long files = 0;
    long bytes = 0;
    try (Stream<Path> paths = Files.walk(set)) {
      for (Path file : (Iterable<Path>) paths.filter(Files::isRegularFile)::iterator) {
        files++;
        bytes += Files.size(file);
      }
    } catch (IOException e) {
      return;
    }
    err.printf(Locale.ROOT, "loading model set %s: checking the SHA-256 of %d files (%.2f GB),"
        + " then creating the sessions...%n", set, files, bytes / 1e9);
    err.flush();
  }
}
