package io.foleystream.topology.operations;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The operations endpoints, on the JDK's HTTP server (enough for three read-only endpoints):
 * {@code /metrics} (Prometheus text format), {@code /health/live} and {@code /health/ready}
 * (200 when up, 503 when not, with a JSON body naming each part's state).
 */
public final class OperationsServer implements AutoCloseable {

  /** Path of the Prometheus scrape endpoint on the operations port. */
  public static final String METRICS_PATH = "/metrics";
  /** Path of the liveness endpoint: 200 unless a part has failed for good. */
  public static final String LIVENESS_PATH = "/health/live";
  /** Path of the readiness endpoint: 200 while every part serves. */
  public static final String READINESS_PATH = "/health/ready";

  private final HttpServer server;

  /**
   * Starts the server.
   *
   * @param host address to bind
   * @param port port, 0 for any free one
   * @param registry the Prometheus registry to scrape
   * @param health the health to report
   * @throws IOException if the port cannot be bound
   */
  public OperationsServer(String host, int port, PrometheusMeterRegistry registry,
      Supplier<Health> health) throws IOException {
    server = HttpServer.create(new InetSocketAddress(host, port), 0);
    server.setExecutor(Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "foleystream-http");
      t.setDaemon(true);
      return t;
    }));
    server.createContext(METRICS_PATH, exchange -> respond(exchange, 200,
        "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
    server.createContext(LIVENESS_PATH, exchange -> {
      Health h = health.get();
      respond(exchange, h.live() ? 200 : 503, "application/json", h.json());
    });
    server.createContext(READINESS_PATH, exchange -> {
      Health h = health.get();
      respond(exchange, h.ready() ? 200 : 503, "application/json", h.json());
    });
    server.start();
  }

  /**
   * The bound port.
   *
   * @return the port
   */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
