package io.foleystream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher script: its help installs and builds nothing, and the command list it prints
 * when the application is not built is the application's own.
 */
class LauncherTest {

  private static final Path LAUNCHER = Path.of("..", "foleystream").toAbsolutePath().normalize();

  @TempDir Path bin;

  /** Runs on a PATH without Java or Maven, where apt, sudo and Maven only record their calls. */
  @Test
  void helpNeedsNothingInstalledAndCallsNoPackageManager() throws Exception {
    Path calls = bin.resolve("package-manager-calls");
    for (String tool : new String[] {"apt-get", "apt-cache", "dpkg-query", "sudo", "mvn"}) {
      Path fake = bin.resolve(tool);
      Files.writeString(fake, "#!/bin/sh\necho \"" + tool + " $*\" >> " + calls + "\nexit 1\n");
      Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    for (String tool : new String[] {"dirname", "cat", "find", "bash", "env"}) {
      Files.createSymbolicLink(bin.resolve(tool), Path.of("/usr/bin", tool).toRealPath());
    }
    for (String[] args : new String[][] {{"--help"}, {"mux", "--help"}, {"help"}}) {
      ProcessBuilder builder = new ProcessBuilder();
      builder.command().add(bin.resolve("bash").toString());
      builder.command().add(LAUNCHER.toString());
      builder.command().addAll(java.util.List.of(args));
      builder.environment().put("PATH", bin.toString());
      builder.redirectErrorStream(true);
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, process.waitFor(), String.join(" ", args) + ":\n" + output);
      assertTrue(output.contains("Usage: foleystream"), output);
      assertFalse(Files.exists(calls), String.join(" ", args) + " ran: "
          + (Files.exists(calls) ? Files.readString(calls) : ""));
    }
  }

  @Test
  void theLaunchersCommandListIsTheApplications() throws IOException {
    String script = Files.readString(LAUNCHER);
    int start = script.indexOf("Commands (");
    int end = script.indexOf("HELP", start);
    Matcher command = Pattern.compile("(?m)^  (\\S+)\\s{2,}").matcher(script.substring(start, end));
    Set<String> listed = new TreeSet<>();
    while (command.find()) {
      listed.add(command.group(1));
    }
    Set<String> actual = new TreeSet<>(FoleystreamCli.commandLine().getSubcommands().keySet());
    actual.remove("help");
    assertEquals(actual, listed);
  }
}
