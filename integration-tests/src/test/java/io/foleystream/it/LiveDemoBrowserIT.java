package io.foleystream.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code ./foleystream demo --live} watched in headless Chromium: the page loads, its player
 * (hls.js over Media Source Extensions) plays the live playlist, the video's clock advances and
 * the generated audio track is decoded beside it.
 *
 * <p>Needs Debian's {@code chromium} (the launcher installs it). Without it the test is skipped on
 * a developer's machine and fails in CI ({@code CI=true}), where it must run.
 */
class LiveDemoBrowserIT {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final String VIDEO = "document.getElementById('video')";

  @Test
  void theLivePagePlaysTheVideoWithItsGeneratedAudio() throws Exception {
    Path chromium = DevToolsPage.findChromium();
    if (chromium == null) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail("chromium is not installed: the launcher's package list must provide it in CI");
      }
      Assumptions.abort("chromium is not installed");
    }
    Path out = Files.createDirectories(Path.of("target")).toAbsolutePath()
        .resolve("live-demo-it-out");
    Path log = out.resolveSibling("live-demo-it.log");
    int port = freePort();
    ProcessBuilder builder = new ProcessBuilder("./foleystream", "demo", "--live", "--seconds",
        "30", "--port", String.valueOf(port), "--linger", "120", "--out", out.toString())
        .directory(ROOT.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    // Stopping the demo mid-generation can crash ONNX Runtime in the generation worker; its
    // error report stays with the test's output instead of the repository root.
    builder.environment().put("FOLEYSTREAM_JAVA_OPTS", "-Xmx1536m -XX:ErrorFile="
        + out.resolveSibling("live-demo-it-hs_err_pid%p.log"));
    Process demo = builder.start();
    try {
      String page = "http://127.0.0.1:" + port + "/";
      awaitSegments(page + "live/playlist.m3u8", 2, demo, log);
      try (DevToolsPage browser = DevToolsPage.open(chromium, out.resolveSibling(
          "live-demo-it-chromium"), page)) {
        double started = awaitPlaying(browser, log);
        // A live player may wait briefly at the live edge for the next segment.
        double later = started;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (later < started + 2 && System.nanoTime() < until) {
          Thread.sleep(500);
          later = number(browser, VIDEO + ".currentTime");
        }
        assertTrue(later >= started + 2, "the video's currentTime advances while playing: "
            + started + " s, then " + later + " s; " + browser.evaluate("JSON.stringify({paused: "
            + VIDEO + ".paused, readyState: " + VIDEO + ".readyState, status: document"
            + ".getElementById('status').textContent})").asText() + "\n" + read(log));
        assertTrue(number(browser, VIDEO + ".audioTracks.length") >= 1,
            "the media element has an audio track");
        assertTrue(number(browser, VIDEO + ".webkitAudioDecodedByteCount") > 0,
            "audio is decoded beside the video");
      }
    } finally {
      demo.destroy();
      if (!demo.waitFor(30, TimeUnit.SECONDS)) {
        demo.destroyForcibly();
      }
    }
  }

  /** Waits (bounded) until the live playlist lists {@code count} segments. */
  private static void awaitSegments(String playlist, int count, Process demo, Path log)
      throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    // The demo first starts a broker and a registry, then the stream runs the delay behind.
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    while (System.nanoTime() < deadline) {
      if (!demo.isAlive()) {
        fail("the demo exited (" + demo.exitValue() + ") before its playlist appeared:\n"
            + read(log));
      }
      try {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(playlist))
            .build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200
            && response.body().split("#EXTINF", -1).length - 1 >= count) {
          return;
        }
      } catch (IOException e) {
        // The page's server is not up yet.
      }
      Thread.sleep(500);
    }
    fail("no live playlist with " + count + " segments in 4 minutes:\n" + read(log));
  }

  /** Waits (bounded) for the video to play, and returns its currentTime then. */
  private static double awaitPlaying(DevToolsPage browser, Path log) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      // The browser opens on a blank page and loads ours after.
      if (!browser.evaluate("document.readyState === 'complete' && " + VIDEO + " !== null")
          .asBoolean()) {
        Thread.sleep(250);
        continue;
      }
      double time = number(browser, VIDEO + ".currentTime");
      if (time > 0) {
        return time;
      }
      Thread.sleep(250);
    }
    fail("the video did not start playing within 60 s; page status: "
        + browser.evaluate("(document.getElementById('status') || {}).textContent").asText()
        + "\n" + read(log));
    return 0;
  }

  private static double number(DevToolsPage browser, String expression) throws Exception {
    JsonNode value = browser.evaluate(expression);
    if (!value.isNumber()) {
      fail(expression + " is not a number: " + value);
    }
    return value.asDouble();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
  }
}
