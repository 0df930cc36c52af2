package io.foleystream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's first command, {@code ./foleystream demo}, runs end to end from the repository
 * root: it brings up its own broker and registry, so it needs no development stack from the
 * test, and it must finish in bounded time.
 */
class DemoIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void theDemoWritesTheVideoWithItsAudioTheWavAndAReport() throws Exception {
    Path out = demoOutput("demo-it-out");
    String output = runDemo(out);
    assertTrue(output.contains("untrained test set"), output);
    assertTrue(output.contains("window 1: 8.00-16.00 s"), output);
    for (String file : new String[] {"video-with-foley.mp4", "foley.wav", "report.txt",
        "input.ts"}) {
      assertTrue(Files.size(out.resolve(file)) > 0, file);
    }
    String report = read(out.resolve("report.txt"));
    assertTrue(report.contains("2 window(s), 8 audio chunk(s), 16.00 s of audio"), report);
    assertTrue(report.contains("x real time"), report);
    // 16 s at 16 kHz, 16-bit mono, after the 44-byte header.
    assertEquals(44 + 16 * 16_000 * 2, Files.size(out.resolve("foley.wav")));
    String mp4 = new String(Files.readAllBytes(out.resolve("video-with-foley.mp4")),
        StandardCharsets.ISO_8859_1);
    assertTrue(mp4.contains("mp4a") && mp4.contains("avc1"), "AAC audio and H.264 video");
  }

  @Test
  void theLiveDemoPublishesOneContinuousSignalAndReportsItsSeamsAndLatency() throws Exception {
    Path out = demoOutput("demo-live-it-out");
    runDemo(out, "--mode", "live", "--hop-ms", "2000", "--steps", "8");
    String report = read(out.resolve("report.txt"));
    assertTrue(report.contains("mode:        live, hop 1920 ms (60 latent frames)"), report);
    assertTrue(report.contains("16.00 s of audio"), "every sample once: " + report);
    java.util.regex.Matcher seams = java.util.regex.Pattern
        .compile("seam error:  mean ([0-9.]+), max ([0-9.]+) over (\\d+) join").matcher(report);
    assertTrue(seams.find(), report);
    assertTrue(Integer.parseInt(seams.group(3)) >= 3, "a join per window after the first");
    assertTrue(Double.parseDouble(seams.group(2)) < 0.2, "no join with a seam: " + report);
    assertTrue(report.matches("(?s).*latency p95: \\d+ ms.*"), report);
    assertEquals(44 + 16 * 16_000 * 2, Files.size(out.resolve("foley.wav")));
  }

  private static Path demoOutput(String name) throws IOException {
    return Files.createDirectories(Path.of("target")).toAbsolutePath().resolve(name);
  }

  /** Runs {@code ./foleystream demo --out OUT ARGS...}; returns its output once it succeeded. */
  private static String runDemo(Path out, String... args) throws Exception {
    Path log = out.resolveSibling(out.getFileName() + ".log");
    List<String> command = new ArrayList<>(List.of("./foleystream", "demo", "--out",
        out.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("FOLEYSTREAM_JAVA_OPTS", "-Xmx768m");
    Process demo = builder.start();
    boolean finished = demo.waitFor(8, TimeUnit.MINUTES);
    if (!finished) {
      demo.destroyForcibly();
    }
    String output = read(log);
    assertTrue(finished, "the demo did not finish in 8 minutes:\n" + output);
    assertEquals(0, demo.exitValue(), output);
    return output;
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
  }
}
