package io.foleystream.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Checks of a command's files before it loads models, decodes video or reads topics, so that a
 * wrong path costs a second, not the whole run. Each failure is a {@link UsageException} naming
 * the option, the path, the problem and the fix.
 */
final class Preflight {

  private Preflight() {}

  /**
   * An input file that must exist and be readable.
   *
   * @param file the path given
   * @param option the option that gave it
   * @return the file
   * @throws UsageException if it is missing, a folder or unreadable
   */
  static Path inputFile(Path file, String option) {
    if (!Files.exists(file)) {
      throw new UsageException(option + " " + file + ": no such file; give an existing file");
    }
    if (Files.isDirectory(file)) {
      throw new UsageException(option + " " + file + ": is a folder; give a file");
    }
    if (!Files.isReadable(file)) {
      throw new UsageException(option + " " + file + ": not readable; check its permissions");
    }
    return file;
  }

  /**
   * A model set folder: it must hold {@code manifest.json}.
   *
   * @param dir the path given
   * @param option the option that gave it
   * @return the folder
   * @throws UsageException if it is not a model set
   */
  static Path modelSet(Path dir, String option) {
    if (!Files.isDirectory(dir)) {
      throw new UsageException(option + " " + dir + ": no such folder; give an exported model"
          + " set (a folder with manifest.json)");
    }
    inputFile(dir.resolve("manifest.json"), option + " " + dir + ": its");
    return dir;
  }

  /**
   * An output file: its folder must exist and take new files, and the path must not be a folder.
   *
   * @param file the path given
   * @param option the option that gave it
   * @return the file
   * @throws UsageException if the file cannot be written there
   */
  static Path outputFile(Path file, String option) {
    if (Files.isDirectory(file)) {
      throw new UsageException(option + " " + file + ": is a folder; give a file name");
    }
    Path parent = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(parent)) {
      throw new UsageException(option + " " + file + ": the folder " + parent
          + " does not exist; create it or write elsewhere");
    }
    requireWritable(parent, option + " " + file);
    return file;
  }

  /**
   * An output folder, created when missing; it must take new files.
   *
   * @param dir the path given
   * @param option the option that gave it
   * @return the folder
   * @throws UsageException if it cannot be created or written
   */
  static Path outputDirectory(Path dir, String option) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new UsageException(option + " " + dir + ": is a file; give a folder");
    }
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UsageException(option + " " + dir + ": cannot create the folder ("
          + reason(e) + "); choose a writable place");
    }
    requireWritable(dir.toAbsolutePath(), option + " " + dir);
    return dir;
  }

  /** Creates and deletes a file, the only check that file systems mounted read-only also fail. */
  private static void requireWritable(Path dir, String what) {
    try {
      Files.delete(Files.createTempFile(dir, ".foleystream-", ".probe"));
    } catch (IOException e) {
      throw new UsageException(what + ": cannot write in " + dir + " (" + reason(e)
          + "); choose a writable folder");
    }
  }

  private static String reason(IOException e) {
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    if (e instanceof NoSuchFileException) {
      return "no such folder";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "a file is in the way";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
