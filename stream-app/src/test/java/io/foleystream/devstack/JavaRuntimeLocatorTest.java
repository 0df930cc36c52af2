package io.foleystream.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which Java runtime the locator picks, and what it says when there is none. */
class JavaRuntimeLocatorTest {

  private static final String PROPERTY = "foleystream.test.registry.java";
  private static final String ENV = "FOLEYSTREAM_TEST_REGISTRY_JAVA";

  @TempDir
  Path dir;

  @AfterEach
  void clearProperty() {
    System.clearProperty(PROPERTY);
  }

  @Test
  void theNewestSystemJdkWinsWhenNothingElseQualifies() throws IOException {
    Path jvms = Files.createDirectories(dir.resolve("jvm"));
    Path jdk17 = fakeJdk(jvms.resolve("java-17-openjdk"), "17.0.15");
    fakeJdk(jvms.resolve("temurin-21"), "21.0.4");
    Path jdk25 = fakeJdk(jvms.resolve("temurin-25-jdk"), "25.0.1");

    Path java = locator(Map.of("JAVA_HOME", jdk17.toString()), jdk17, jvms).locate(21, "x");

    assertEquals(jdk25.resolve("bin/java"), java);
  }

  @Test
  void javaHomeWinsWhenItIsNewEnough() throws IOException {
    Path jvms = Files.createDirectories(dir.resolve("jvm"));
    fakeJdk(jvms.resolve("temurin-25"), "25");
    Path home = fakeJdk(dir.resolve("home-22"), "22.0.2");

    Path java = locator(Map.of("JAVA_HOME", home.toString()), dir.resolve("none"), jvms)
        .locate(21, "x");

    assertEquals(home.resolve("bin/java"), java);
  }

  @Test
  void anExplicitSettingWinsAndMustQualify() throws IOException {
    Path jvms = Files.createDirectories(dir.resolve("jvm"));
    fakeJdk(jvms.resolve("temurin-25"), "25");
    Path chosen = fakeJdk(dir.resolve("chosen-21"), "21");
    Path old = fakeJdk(dir.resolve("old-17"), "17");

    assertEquals(chosen.resolve("bin/java"),
        locator(Map.of(ENV, chosen.toString()), dir, jvms).locate(21, "x"));
    System.setProperty(PROPERTY, chosen.resolve("bin/java").toString());
    assertEquals(chosen.resolve("bin/java"),
        locator(Map.of(ENV, old.toString()), dir, jvms).locate(21, "x"));

    System.setProperty(PROPERTY, old.toString());
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> locator(Map.of(), dir, jvms).locate(21, "Apicurio Registry"));
    assertTrue(e.getMessage().contains("Java 17"), e.getMessage());
    assertTrue(e.getMessage().contains(PROPERTY), e.getMessage());
  }

  @Test
  void noQualifyingRuntimeIsExplained() throws IOException {
    Path jvms = Files.createDirectories(dir.resolve("jvm"));
    Path jdk17 = fakeJdk(jvms.resolve("java-17-openjdk"), "17.0.15");

    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> locator(Map.of(), jdk17, jvms).locate(21, "Apicurio Registry 3.3.3"));

    String message = e.getMessage();
    assertTrue(message.startsWith("Apicurio Registry 3.3.3 needs a Java 21"), message);
    assertTrue(message.contains(PROPERTY) && message.contains(ENV), message);
    assertTrue(message.contains(jdk17 + " (Java 17)"), message);
  }

  @Test
  void versionsComeFromTheReleaseFileOrTheExecutable() throws IOException {
    Path jdk = fakeJdk(dir.resolve("jdk"), "1.8.0_402");
    assertEquals(OptionalInt.of(8), JavaRuntimeLocator.featureVersion(jdk.resolve("bin/java")),
        "Java 8 spells its version 1.8");
    Path running = Path.of(System.getProperty("java.home"), "bin", "java");
    assertEquals(OptionalInt.of(Runtime.version().feature()),
        JavaRuntimeLocator.featureVersion(running));
    assertEquals(OptionalInt.empty(), JavaRuntimeLocator.featureVersion(dir.resolve("nope")));
  }

  private JavaRuntimeLocator locator(Map<String, String> env, Path running, Path jvms) {
    return new JavaRuntimeLocator(PROPERTY, ENV, env, running, jvms);
  }

  /** A directory that looks like a JDK: a release file and an executable bin/java. */
  private static Path fakeJdk(Path home, String version) throws IOException {
    Files.createDirectories(home.resolve("bin"));
    Path java = home.resolve("bin/java");
    Files.writeString(java, "#!/bin/sh\nexit 1\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.writeString(home.resolve("release"),
        "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + version + "\"\n");
    return home;
  }
}
