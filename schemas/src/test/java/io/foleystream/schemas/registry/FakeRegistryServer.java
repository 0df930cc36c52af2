package io.foleystream.schemas.registry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;

/**
 * A loopback HTTP(S) server that answers each request with the next queued response and records
 * what it received, to check the REST client's requests, headers, retries and TLS settings.
 */
final class FakeRegistryServer implements AutoCloseable {

  /** One received request. */
  record Request(String method, String rawPath, String authorization, String contentType,
      String body) {
  }

  private record Response(int status, String body, Duration delay) {
  }

  private final HttpServer server;
  private final Deque<Response> responses = new ArrayDeque<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  private FakeRegistryServer(HttpServer server) {
    this.server = server;
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts a plain HTTP server on a free loopback port. */
  static FakeRegistryServer http() {
    try {
      return new FakeRegistryServer(HttpServer.create(loopback(), 0));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts an HTTPS server on a free loopback port.
   *
   * @param context the server's TLS context
   * @param needClientAuth whether clients must present a certificate
   */
  static FakeRegistryServer https(SSLContext context, boolean needClientAuth) {
    try {
      HttpsServer server = HttpsServer.create(loopback(), 0);
      server.setHttpsConfigurator(new HttpsConfigurator(context) {
        @Override
        public void configure(HttpsParameters params) {
          SSLParameters parameters = getSSLContext().getDefaultSSLParameters();
          parameters.setNeedClientAuth(needClientAuth);
          params.setSSLParameters(parameters);
        }
      });
      return new FakeRegistryServer(server);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A loopback port nothing listens on, for refused connections. */
  static int unusedPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Queues a response. */
  FakeRegistryServer respond(int status, String body) {
    return respondAfter(Duration.ZERO, status, body);
  }

  /** Queues a response sent after a delay. */
  synchronized FakeRegistryServer respondAfter(Duration delay, int status, String body) {
    responses.add(new Response(status, body, delay));
    return this;
  }

  /** The base URL, with the given scheme and a path like a registry's API. */
  String url(String scheme) {
    return scheme + "://127.0.0.1:" + server.getAddress().getPort() + "/apis/ccompat/v7";
  }

  /** The requests received so far. */
  List<Request> requests() {
    return requests;
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath()
        + (exchange.getRequestURI().getRawQuery() == null
            ? "" : "?" + exchange.getRequestURI().getRawQuery()),
        exchange.getRequestHeaders().getFirst("Authorization"),
        exchange.getRequestHeaders().getFirst("Content-Type"), body));
    Response response;
    synchronized (this) {
      response = responses.isEmpty()
          ? new Response(500, "{\"error_code\":500,\"message\":\"no response queued\"}",
              Duration.ZERO)
          : responses.poll();
    }
    try {
      Thread.sleep(response.delay().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
    exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private static InetSocketAddress loopback() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
