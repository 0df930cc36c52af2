package io.foleystream.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The demo's player page on loopback: the page and its vendored hls.js from the classpath, and
 * the live HLS directory under {@code /live/}. Only plain file names are served from that
 * directory, so nothing outside it can be read.
 */
final class LivePlayerServer implements AutoCloseable {

  private static final String RESOURCES = "/io/foleystream/cli/live/";
  private static final Pattern FILE_NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]*");
  private static final Map<String, String> TYPES = Map.of(
      "m3u8", "application/vnd.apple.mpegurl",
      "ts", "video/mp2t",
      "html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8");

  private final HttpServer server;
  private final Path hlsDirectory;

  private LivePlayerServer(HttpServer server, Path hlsDirectory) {
    this.server = server;
    this.hlsDirectory = hlsDirectory;
  }

  /**
   * Starts serving on 127.0.0.1.
   *
   * @param port the port (0: any free one)
   * @param hlsDirectory the directory of the live playlist and segments
   * @return the running server
   * @throws IOException if the port cannot be bound
   */
  static LivePlayerServer start(int port, Path hlsDirectory) throws IOException {
    HttpServer http = HttpServer.create(
        new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
    LivePlayerServer server = new LivePlayerServer(http, hlsDirectory);
    http.createContext("/", server::handle);
    http.start();
    return server;
  }

  /**
   * The page's address.
   *
   * @return {@code http://127.0.0.1:PORT/}
   */
  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (!exchange.getRequestMethod().equals("GET") && !exchange.getRequestMethod().equals(
          "HEAD")) {
        exchange.sendResponseHeaders(405, -1);
      } else if (path.equals("/") || path.equals("/index.html")) {
        sendResource(exchange, "index.html");
      } else if (path.equals("/hls.min.js")) {
        sendResource(exchange, "hls.min.js");
      } else if (path.startsWith("/live/")
          && FILE_NAME.matcher(path.substring("/live/".length())).matches()) {
        sendFile(exchange, hlsDirectory.resolve(path.substring("/live/".length())));
      } else {
        exchange.sendResponseHeaders(404, -1);
      }
    }
  }

  private void sendResource(HttpExchange exchange, String name) throws IOException {
    try (InputStream in = LivePlayerServer.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      send(exchange, name, in.readAllBytes());
    }
  }

  private void sendFile(HttpExchange exchange, Path file) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      // Not written yet, or already deleted by the rolling playlist.
      exchange.sendResponseHeaders(404, -1);
      return;
    }
    send(exchange, file.getFileName().toString(), bytes);
  }

  private static void send(HttpExchange exchange, String name, byte[] bytes) throws IOException {
    String extension = name.substring(name.lastIndexOf('.') + 1);
    exchange.getResponseHeaders().set("Content-Type",
        TYPES.getOrDefault(extension, "application/octet-stream"));
    // The playlist changes with every segment; segments never change once listed.
    exchange.getResponseHeaders().set("Cache-Control",
        extension.equals("ts") ? "max-age=60" : "no-cache");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(200, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
