package io.foleystream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each command's common mistakes: one line on stderr that names the problem (and the option),
 * the exit status the help promises, no stack trace and no usage block, and nothing expensive
 * done first. The model set here is a folder with an empty manifest: a command that loaded it
 * would fail with another message, so each message also shows that the check came first.
 */
class CliErrorsTest {

  @TempDir static Path dir;
  static Path set;
  static Path video;

  @BeforeAll
  static void files() throws IOException {
    set = Files.createDirectories(dir.resolve("set"));
    Files.writeString(set.resolve("manifest.json"), "");
    video = Files.write(dir.resolve("clip.mp4"), new byte[] {0, 0, 0, 24});
  }

  /** Runs a command that must fail with one line containing every fragment. */
  private static CliRun failing(int exitCode, List<String> fragments, String... args) {
    CliRun result = CliRun.of(args);
    assertEquals(exitCode, result.exitCode(), result.err());
    String err = result.err().strip();
    assertFalse(err.contains("\n"), "more than one line:\n" + err);
    assertTrue(err.startsWith("foleystream " + args[0] + ": "), err);
    assertFalse(err.contains("Usage:"), err);
    for (String fragment : fragments) {
      assertTrue(err.contains(fragment), "'" + fragment + "' missing from: " + err);
    }
    return result;
  }

  private static String[] with(String[] base, String... more) {
    List<String> all = new ArrayList<>(List.of(base));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  @Test
  void generate() {
    String[] base = {"generate", "--models", set.toString()};
    failing(2, List.of("Missing required option: '--out=OUT.wav'",
        "see 'foleystream generate --help'"), base);
    failing(2, List.of("--out /nodir/a.wav", "the folder /nodir does not exist"),
        with(base, "--out", "/nodir/a.wav"));
    failing(2, List.of("--out /nodir/a.npy", "does not exist"),
        with(base, "--out", "/nodir/a.npy"));
    failing(2, List.of("expected a .wav, .flac or .npy"),
        with(base, "--out", dir.resolve("a.mp3").toString()));
    failing(2, List.of("--video /nonexistent.mp4: no such file"),
        with(base, "--video", "/nonexistent.mp4", "--out", dir.resolve("a.wav").toString()));
    failing(2, List.of("--mux needs --video"), with(base, "--out",
        dir.resolve("a.wav").toString(), "--mux", dir.resolve("a.mp4").toString()));
    failing(2, List.of("--models /no/set: no such folder"), "generate", "--models", "/no/set",
        "--out", dir.resolve("a.wav").toString());
    failing(2, List.of("--steps 0"), with(base, "--steps", "0", "--out",
        dir.resolve("a.wav").toString()));
  }

  @Test
  void frames() {
    failing(2, List.of("--out /proc/nope: cannot create the folder"), "frames", "--video",
        video.toString(), "--out", "/proc/nope");
    failing(2, List.of("--video /nope.mp4: no such file"), "frames", "--video", "/nope.mp4",
        "--out", dir.resolve("frames").toString());
    failing(2, List.of("--duration at least 0.125 s"), "frames", "--video", video.toString(),
        "--out", dir.resolve("frames").toString(), "--duration", "0.1");
    failing(2, List.of("--out " + video + ": is a file"), "frames", "--video",
        video.toString(), "--out", video.toString());
  }

  @Test
  void benchmark() {
    failing(2, List.of("--models /no/set: no such folder"), "benchmark-inference", "--models",
        "/no/set");
    failing(2, List.of("--runs 0"), "benchmark-inference", "--models", set.toString(),
        "--runs", "0");
  }

  @Test
  void ingest() {
    String[] base = {"ingest", "--stream-id", "cam"};
    failing(2, List.of("--source test:abc", "test:WIDTHxHEIGHT@FPS:SECONDS"),
        with(base, "--source", "test:abc"));
    failing(2, List.of("--source /nope.mp4: no such file"), with(base, "--source", "/nope.mp4"));
    failing(2, List.of("bootstrap.servers must be set", "--bootstrap-servers",
        "FOLEYSTREAM_BOOTSTRAP_SERVERS"), with(base, "--source", "test"));
    failing(2, List.of("--save /nodir/x.ts", "does not exist"),
        with(base, "--source", "test", "--save", "/nodir/x.ts"));
    failing(2, List.of("unknown key foleystream.window.gap.polcy",
        "did you mean foleystream.window.gap.policy?"), with(base, "--source", "test",
        "--bootstrap-servers", "127.0.0.1:1", "--set", "foleystream.window.gap.polcy=SILENCE"));
    failing(2, List.of("--chunk-seconds 0.0"), with(base, "--source", "test",
        "--chunk-seconds", "0"));
  }

  @Test
  void mux() {
    String[] base = {"mux", "--stream-id", "cam"};
    failing(2, List.of("give --out, --wav or both"), base);
    failing(2, List.of("--out needs --video"), with(base, "--out", "x.mp4"));
    failing(2, List.of("--video /nope.mp4: no such file"),
        with(base, "--video", "/nope.mp4", "--out", dir.resolve("x.mp4").toString()));
    failing(2, List.of("--wav", "expected a .wav or .flac"),
        with(base, "--wav", dir.resolve("x.mp3").toString()));
    failing(2, List.of("--out", "expected a .mp4 or .ts"),
        with(base, "--video", video.toString(), "--out", dir.resolve("x.mkv").toString()));
    failing(2, List.of("schema.registry.url must be set", "--registry-url"),
        with(base, "--wav", dir.resolve("x.wav").toString(), "--bootstrap-servers",
            "127.0.0.1:1"));
  }

  @Test
  void muxSaysWhichBrokerItCannotReachWithinItsTimeout() {
    long start = System.nanoTime();
    failing(1, List.of("cannot reach the Kafka broker at 127.0.0.1:1 within 2 s"), "mux",
        "--stream-id", "cam", "--wav", dir.resolve("y.wav").toString(), "--bootstrap-servers",
        "127.0.0.1:1", "--registry-url", "http://127.0.0.1:1", "--timeout", "2");
    double seconds = (System.nanoTime() - start) / 1e9;
    assertTrue(seconds < 2 + 10, "took " + seconds + " s for a 2 s timeout");
    assertFalse(Files.exists(dir.resolve("y.wav")));
  }

  @Test
  void run() {
    failing(2, List.of("--models /no/set: no such folder"), "run", "--models", "/no/set");
    failing(2, List.of("unknown key foleystream.generation.batchsize",
        "did you mean foleystream.generation.batch.size?"), "run", "--set",
        "foleystream.generation.batchsize=8");
  }

  @Test
  void demo() {
    failing(2, List.of("--video /nope.mp4: no such file"), "demo", "--models", set.toString(),
        "--video", "/nope.mp4");
    failing(2, List.of("--out /proc/nope: cannot create the folder"), "demo", "--models",
        set.toString(), "--out", "/proc/nope");
    failing(2, List.of("--set foleystream.window.mode: use --mode"), "demo", "--models",
        set.toString(), "--set", "foleystream.window.mode=LIVE");
    failing(2, List.of("--set bootstrap.servers: the demo runs its own broker"), "demo",
        "--models", set.toString(), "--set", "bootstrap.servers=kafka:9092");
    failing(2, List.of("unknown key foleystream.window.rampup",
        "did you mean foleystream.window.ramp.up?"), "demo", "--models", set.toString(),
        "--set", "foleystream.window.rampup=false");
  }

  @Test
  void unknownCommandsAndOptions() {
    CliRun unknown = CliRun.of("no-such-command");
    assertEquals(2, unknown.exitCode());
    assertFalse(unknown.err().strip().contains("\n"), unknown.err());
    failing(2, List.of("Unknown option: '--frobnicate'"), "mux", "--stream-id", "cam",
        "--frobnicate");
  }

  @Test
  void verboseAddsTheStackTrace() {
    CliRun result = CliRun.of("benchmark-inference", "--verbose", "--models", "/no/set");
    assertEquals(2, result.exitCode());
    assertTrue(result.err().startsWith("foleystream benchmark-inference: --models /no/set"),
        result.err());
    assertTrue(result.err().contains("\tat io.foleystream.cli.Preflight"), result.err());
  }
}
