package io.foleystream.devstack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds a Java runtime of at least a given feature version, for child processes that need a newer
 * Java than the one foleystream runs on. Looks, in order, at an explicit setting (system property,
 * then environment variable: a JDK home or a {@code java} executable), {@code JAVA_HOME}, the
 * running JVM, and the JDKs under {@code /usr/lib/jvm} (newest first).
 */
public final class JavaRuntimeLocator {

  private static final Pattern RELEASE_VERSION =
      Pattern.compile("^JAVA_VERSION=\"?(?:1\\.)?(\\d+)", Pattern.MULTILINE);
  private static final Pattern VERSION_OUTPUT = Pattern.compile("version \"(?:1\\.)?(\\d+)");
  private static final Path SYSTEM_JVMS = Path.of("/usr/lib/jvm");

  private final String propertyName;
  private final String environmentName;
  private final Map<String, String> environment;
  private final Path runningJvm;
  private final Path systemJvms;

  /**
   * @param propertyName system property that may name the runtime
   * @param environmentName environment variable that may name the runtime
   */
  public JavaRuntimeLocator(String propertyName, String environmentName) {
    this(propertyName, environmentName, System.getenv(),
        Path.of(System.getProperty("java.home")), SYSTEM_JVMS);
  }

  JavaRuntimeLocator(String propertyName, String environmentName, Map<String, String> environment,
      Path runningJvm, Path systemJvms) {
    this.propertyName = propertyName;
    this.environmentName = environmentName;
    this.environment = environment;
    this.runningJvm = runningJvm;
    this.systemJvms = systemJvms;
  }

  /**
   * Finds a {@code java} executable of at least the given feature version.
   *
   * @param minimumVersion for example 21
   * @param purpose what needs it, for the error message
   * @return the executable
   * @throws IllegalStateException naming every place looked at when none qualifies
   */
  public Path locate(int minimumVersion, String purpose) {
    Optional<String> explicit = Optional.ofNullable(System.getProperty(propertyName))
        .or(() -> Optional.ofNullable(environment.get(environmentName)))
        .filter(value -> !value.isBlank());
    if (explicit.isPresent()) {
      Path java = executable(Path.of(explicit.get()));
      OptionalInt version = featureVersion(java);
      if (version.isPresent() && version.getAsInt() >= minimumVersion) {
        return java;
      }
      throw new IllegalStateException(purpose + " needs Java " + minimumVersion + " or newer, but "
          + propertyName + " / " + environmentName + " names " + explicit.get() + " ("
          + describe(version) + ")");
    }
    List<String> checked = new ArrayList<>();
    List<Path> candidates = new ArrayList<>();
    Optional.ofNullable(environment.get("JAVA_HOME")).filter(home -> !home.isBlank())
        .ifPresent(home -> candidates.add(Path.of(home)));
    candidates.add(runningJvm);
    candidates.addAll(systemJdks());
    for (Path home : candidates) {
      Path java = executable(home);
      OptionalInt version = featureVersion(java);
      if (version.isPresent() && version.getAsInt() >= minimumVersion) {
        return java;
      }
      checked.add(home + " (" + describe(version) + ")");
    }
    throw new IllegalStateException(purpose + " needs a Java " + minimumVersion
        + " or newer runtime and none was found. Install one (for example Temurin 25 under "
        + systemJvms + ") or point the system property " + propertyName
        + " or the environment variable " + environmentName
        + " at its home directory. Looked at: " + String.join(", ", checked));
  }

  private List<Path> systemJdks() {
    if (!Files.isDirectory(systemJvms)) {
      return List.of();
    }
    List<Path> homes = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(systemJvms)) {
      for (Path entry : entries) {
        if (Files.isDirectory(entry) && !Files.isSymbolicLink(entry)) {
          homes.add(entry);
        }
      }
    } catch (IOException e) {
      return List.of();
    }
    homes.sort(Comparator.comparingInt((Path home) -> featureVersion(executable(home)).orElse(0))
        .reversed());
    return homes;
  }

  private static Path executable(Path homeOrExecutable) {
    return Files.isRegularFile(homeOrExecutable)
        ? homeOrExecutable : homeOrExecutable.resolve("bin").resolve("java");
  }

  /** Reads the version from the JDK's {@code release} file, else asks the executable. */
  static OptionalInt featureVersion(Path java) {
    if (!Files.isExecutable(java)) {
      return OptionalInt.empty();
    }
    Path release = java.toAbsolutePath().getParent().getParent().resolve("release");
    try {
      if (Files.isRegularFile(release)) {
        Matcher matcher = RELEASE_VERSION.matcher(Files.readString(release));
        if (matcher.find()) {
          return OptionalInt.of(Integer.parseInt(matcher.group(1)));
        }
      }
      Process process = new ProcessBuilder(java.toString(), "-version")
          .redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return OptionalInt.empty();
      }
      Matcher matcher = VERSION_OUTPUT.matcher(output);
      if (!matcher.find()) {
        return OptionalInt.empty();
      }
      return OptionalInt.of(Integer.parseInt(matcher.group(1)));
    } catch (IOException e) {
      return OptionalInt.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return OptionalInt.empty();
    }
  }

  private static String describe(OptionalInt version) {
    return version.isPresent() ? "Java " + version.getAsInt() : "no usable java executable";
  }
}
