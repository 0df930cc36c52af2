package io.foleystream.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A headless Chromium with one page, driven over the Chrome DevTools Protocol (a WebSocket from
 * the JDK's HTTP client): enough to open a page and evaluate JavaScript in it.
 */
final class DevToolsPage implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process browser;
  private final WebSocket socket;
  private final Map<Integer, CompletableFuture<JsonNode>> replies = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();

  private DevToolsPage(Process browser, WebSocket socket) {
    this.browser = browser;
    this.socket = socket;
  }

  /**
   * Starts Chromium headless on {@code url} and connects to its page.
   *
   * @param chromium the browser's executable
   * @param profile an empty directory for the browser's profile
   * @param url the page
   * @return the connected page
   */
  static DevToolsPage open(Path chromium, Path profile, String url) throws Exception {
    Files.createDirectories(profile);
    // A port file left by an earlier run would name a closed port.
    Files.deleteIfExists(profile.resolve("DevToolsActivePort"));
    Process browser = new ProcessBuilder(chromium.toString(), "--headless=new", "--no-sandbox",
        "--disable-gpu", "--no-first-run", "--remote-debugging-port=0",
        "--remote-allow-origins=*", "--user-data-dir=" + profile,
        "--autoplay-policy=no-user-gesture-required",
        "--enable-blink-features=AudioVideoTracks", url)
        .redirectErrorStream(true).redirectOutput(profile.resolveSibling("chromium.log").toFile())
        .start();
    try {
      Path portFile = profile.resolve("DevToolsActivePort");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!Files.exists(portFile) || Files.readAllLines(portFile).isEmpty()) {
        if (System.nanoTime() > deadline || !browser.isAlive()) {
          throw new IllegalStateException("Chromium did not open its DevTools port: "
              + Files.readString(profile.resolveSibling("chromium.log")));
        }
        Thread.sleep(100);
      }
      int port = Integer.parseInt(Files.readAllLines(portFile).get(0).trim());
      HttpClient http = HttpClient.newHttpClient();
      String pageSocket = null;
      while (pageSocket == null) {
        JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
            HttpResponse.BodyHandlers.ofString()).body());
        for (JsonNode target : targets) {
          if (target.path("type").asText().equals("page")) {
            pageSocket = target.path("webSocketDebuggerUrl").asText();
          }
        }
        if (pageSocket == null) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("Chromium opened no page");
          }
          Thread.sleep(100);
        }
      }
      Listener listener = new Listener();
      WebSocket socket = http.newWebSocketBuilder().buildAsync(URI.create(pageSocket), listener)
          .get(30, TimeUnit.SECONDS);
      DevToolsPage page = new DevToolsPage(browser, socket);
      listener.page = page;
      return page;
    } catch (Exception e) {
      browser.destroyForcibly();
      throw e;
    }
  }

  /**
   * Evaluates an expression in the page.
   *
   * @param expression JavaScript
   * @return its value (JSON), or a missing node for undefined
   */
  JsonNode evaluate(String expression) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    replies.put(id, reply);
    ObjectNode call = JSON.createObjectNode().put("id", id).put("method", "Runtime.evaluate");
    call.putObject("params").put("expression", expression).put("returnByValue", true);
    socket.sendText(JSON.writeValueAsString(call), true).get(10, TimeUnit.SECONDS);
    JsonNode result = reply.get(10, TimeUnit.SECONDS);
    if (result.has("exceptionDetails")) {
      throw new IllegalStateException(expression + ": " + result.get("exceptionDetails"));
    }
    return result.path("result").path("value");
  }

  private void received(String message) throws IOException {
    JsonNode node = JSON.readTree(message);
    if (node.has("id")) {
      CompletableFuture<JsonNode> reply = replies.remove(node.get("id").asInt());
      if (reply != null) {
        reply.complete(node.path("result"));
      }
    }
  }

  @Override
  public void close() throws Exception {
    socket.abort();
    browser.destroy();
    if (!browser.waitFor(10, TimeUnit.SECONDS)) {
      browser.destroyForcibly();
    }
  }

  /** Joins message fragments and hands whole messages to the page. */
  private static final class Listener implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();
    private volatile DevToolsPage page;

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        try {
          page.received(text.toString());
        } catch (IOException e) {
          throw new IllegalStateException("unreadable DevTools message", e);
        }
        text.setLength(0);
      }
      webSocket.request(1);
      return null;
    }
  }

  /**
   * The Chromium executable on this machine, if any.
   *
   * @return its path, or null
   */
  static Path findChromium() {
    for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
      for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
        Path candidate = Path.of(dir, name);
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    return null;
  }
}
