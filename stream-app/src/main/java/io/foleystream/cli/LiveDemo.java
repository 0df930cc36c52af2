package io.foleystream.cli;

import io.foleystream.config.FoleystreamConfig;
import io.foleystream.media.HlsSettings;
import io.foleystream.media.MediaException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The live half of {@code demo --live}: the stream's live HLS output, written while the pipeline
 * runs, and the player page that shows it on loopback.
 */
final class LiveDemo implements AutoCloseable {

  private final LiveMux mux;
  private final LivePlayerServer server;
  private final Thread writer;
  private volatile Exception failure;

  private LiveDemo(LiveMux mux, LivePlayerServer server, PrintStream console) {
    this.mux = mux;
    this.server = server;
    PrintWriter log = new PrintWriter(console, true, StandardCharsets.UTF_8);
    this.writer = new Thread(() -> {
      try {
        mux.run(log);
      } catch (MediaException | RuntimeException e) {
        failure = e;
        log.println("foleystream demo: live output failed: " + e.getMessage());
      }
    }, "live-output");
  }

  /**
   * Starts the live output and the page.
   *
   * @param config the demo's configuration
   * @param streamId the stream to show
   * @param directory the HLS directory (earlier playlists and segments in it are removed)
   * @param port the page's port on 127.0.0.1 (0: any free one)
   * @param console where progress goes
   * @return the running live demo
   * @throws IOException if the directory cannot be cleared or the port bound
   */
  static LiveDemo start(FoleystreamConfig config, String streamId, Path directory, int port,
      PrintStream console) throws IOException {
    Files.createDirectories(directory);
    try (var files = Files.list(directory)) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString();
        if (name.endsWith(".ts") || name.equals(HlsSettings.PLAYLIST)) {
          Files.delete(file);
        }
      }
    }
    LiveMux mux = new LiveMux(config, streamId, directory);
    LivePlayerServer server = LivePlayerServer.start(port, directory);
    LiveDemo demo = new LiveDemo(mux, server, console);
    demo.writer.start();
    console.printf(Locale.ROOT, "foleystream demo: watch it live at %s (the sound is %.1f s"
        + " behind the video's arrival; HLS in %s)%n", server.url(),
        mux.delay().toMillis() / 1e3, directory);
    return demo;
  }

  /**
   * Waits for the live output to write the stream's last chunk and end its playlist.
   *
   * @param timeout the longest wait
   * @return true if the output ended without error in time
   * @throws InterruptedException if interrupted
   */
  boolean awaitEnd(Duration timeout) throws InterruptedException {
    writer.join(timeout.toMillis());
    return !writer.isAlive() && failure == null;
  }

  /**
   * The page's address.
   *
   * @return the URL
   */
  String url() {
    return server.url();
  }

  @Override
  public void close() throws InterruptedException {
    mux.stop();
    writer.join(Duration.ofSeconds(30).toMillis());
    server.close();
  }
}
