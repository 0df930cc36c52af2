package io.foleystream.deploy;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;

/**
 * What a {@code .dockerignore} keeps out of the build context, by Docker's rules: patterns apply
 * in order and the last one that matches wins, {@code !} re-includes, and a pattern that matches
 * a directory matches everything below it. Written here because no Java library reads
 * {@code .dockerignore} files; globs go through the JDK's glob matcher.
 */
final class DockerIgnore {

  private record Rule(boolean include, List<PathMatcher> matchers) {}

  private final List<Rule> rules;

  private DockerIgnore(List<Rule> rules) {
    this.rules = rules;
  }

  /**
   * Reads a {@code .dockerignore}.
   *
   * @param file the file
   * @return its rules
   * @throws IOException if it cannot be read
   */
  static DockerIgnore read(Path file) throws IOException {
    List<Rule> rules = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      String pattern = line.strip();
      if (pattern.isEmpty() || pattern.startsWith("#")) {
        continue;
      }
      boolean include = pattern.startsWith("!");
      pattern = (include ? pattern.substring(1) : pattern).strip();
      pattern = pattern.replaceAll("^/+", "").replaceAll("/+$", "");
      List<PathMatcher> matchers = new ArrayList<>();
      matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern));
      // Docker's "**/" also matches no directory at all.
      if (pattern.startsWith("**/")) {
        matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern.substring(3)));
      }
      rules.add(new Rule(include, matchers));
    }
    return new DockerIgnore(rules);
  }

  /**
   * Whether a path stays out of the build context.
   *
   * @param relative a path relative to the context root, with {@code /} separators
   * @return true when excluded
   */
  boolean excludes(String relative) {
    Path path = Path.of(relative).normalize();
    boolean excluded = false;
    for (Rule rule : rules) {
      if (matchesItOrAParent(rule, path)) {
        excluded = !rule.include();
      }
    }
    return excluded;
  }

  private static boolean matchesItOrAParent(Rule rule, Path path) {
    for (Path p = path; p != null; p = p.getParent()) {
      for (PathMatcher matcher : rule.matchers()) {
        if (matcher.matches(p)) {
          return true;
        }
      }
    }
    return false;
  }
}
