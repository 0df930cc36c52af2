package io.foleystream.topology.records;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.foleystream.schemas.PayloadReference;
import io.foleystream.topology.records.Sha256;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference policy against local HTTP servers on 127.0.0.1 (which the tests must allow
 * explicitly, being loopback) and files inside and outside the allowed roots.
 */
class ReferencePolicyTest {

  private static final byte[] PAYLOAD = "a referenced chunk payload".getBytes(
      java.nio.charset.StandardCharsets.UTF_8);

  @TempDir
  Path dir;

  private HttpServer server;
  private HttpServer other;
  private final AtomicInteger secretHits = new AtomicInteger();
  private Path root;
  private Path outside;

  @BeforeEach
  void start() throws IOException {
    root = Files.createDirectories(dir.resolve("root"));
    outside = Files.createDirectories(dir.resolve("outside"));
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    other = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/payload", x -> reply(x, 200, PAYLOAD));
    server.createContext("/a", x -> redirect(x, "/b"));
    server.createContext("/b", x -> redirect(x, "/payload"));
    server.createContext("/loop", x -> redirect(x, "/loop"));
    server.createContext("/elsewhere", x -> redirect(x, base(other) + "/admin/secret"));
    server.createContext("/to-file", x -> redirect(x, outside.resolve("secret").toUri()
        .toString()));
    server.createContext("/error", x -> reply(x, 503, new byte[0]));
    server.createContext("/gone", x -> reply(x, 404, new byte[0]));
    server.createContext("/huge-declared", x -> {
      x.sendResponseHeaders(200, 3L << 30);
      x.close();
    });
    server.createContext("/huge-chunked", x -> {
      x.sendResponseHeaders(200, 0);
      try (OutputStream out = x.getResponseBody()) {
        byte[] block = new byte[64 * 1024];
        for (int i = 0; i < 16 * 1024; i++) {
          out.write(block);
        }
      } catch (IOException closedByClient) {
        // The client stops reading at its cap: that is what the test wants.
      }
    });
    server.createContext("/slow", x -> {
      x.sendResponseHeaders(200, PAYLOAD.length);
      try (OutputStream out = x.getResponseBody()) {
        for (byte b : PAYLOAD) {
          out.write(b);
          out.flush();
          Thread.sleep(200);
        }
      } catch (IOException | InterruptedException closedByClient) {
        // The client gave up at its deadline.
      }
    });
    other.createContext("/admin/secret", x -> {
      secretHits.incrementAndGet();
      reply(x, 200, PAYLOAD);
    });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
    other.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
    other.stop(0);
  }

  private static String base(HttpServer s) {
    return "http://127.0.0.1:" + s.getAddress().getPort();
  }

  private static void reply(HttpExchange x, int status, byte[] body) throws IOException {
    x.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(body);
    }
  }

  private static void redirect(HttpExchange x, String location) throws IOException {
    x.getResponseHeaders().add("Location", location);
    x.sendResponseHeaders(302, -1);
    x.close();
  }

  /** A policy for this test's server (with its port) and root, loopback allowed or not. */
  private ReferencePolicy policy(boolean loopback, Duration deadline) {
    return new ReferencePolicy(Set.of("http", "file"),
        Set.of("127.0.0.1:" + server.getAddress().getPort()), List.of(root), loopback,
        1 << 20, deadline, 3);
  }

  private PayloadFetcher fetcher() {
    return new PayloadFetcher(policy(true, Duration.ofSeconds(5)));
  }

  private static PayloadReference ref(String uri, byte[] bytes) {
    return new PayloadReference(uri, (long) bytes.length, Sha256.hex(bytes));
  }

  private PayloadFetcher.PayloadException refused(PayloadFetcher fetcher, PayloadReference ref) {
    return assertThrows(PayloadFetcher.PayloadException.class, () -> fetcher.bytes(ref));
  }

  @Test
  void anAllowedHostIsFetchedThroughRedirectsWithinTheAllowList() throws Exception {
    assertArrayEquals(PAYLOAD, fetcher().bytes(ref(base(server) + "/payload", PAYLOAD)));
    assertArrayEquals(PAYLOAD, fetcher().bytes(ref(base(server) + "/a", PAYLOAD)));
  }

  @Test
  void loopbackIsRefusedUnlessAllowedExplicitly() {
    PayloadFetcher.PayloadException e = refused(new PayloadFetcher(policy(false,
        Duration.ofSeconds(5))), ref(base(server) + "/payload", PAYLOAD));
    assertTrue(e.recordAtFault());
    assertTrue(e.getMessage().contains("private, loopback or link-local"), e.getMessage());
  }

  @Test
  void unlistedHostsPortsAndSchemesAreRefusedBeforeAnythingIsOpened() {
    for (String uri : List.of(base(other) + "/admin/secret", "http://example.com/x",
        "ftp://127.0.0.1/x", "jar:file:/x!/y", "s3://bucket/key", "gopher://127.0.0.1/")) {
      PayloadFetcher.PayloadException e = refused(fetcher(), ref(uri, PAYLOAD));
      assertTrue(e.recordAtFault(), uri);
      assertTrue(e.getMessage().contains("not allowed by the reference policy"), e.getMessage());
    }
    assertEquals(0, secretHits.get());
  }

  @Test
  void redirectsLeavingTheAllowListOrTheSchemeOrLoopingAreRefused() {
    for (String path : List.of("/elsewhere", "/to-file", "/loop")) {
      PayloadFetcher.PayloadException e = refused(fetcher(), ref(base(server) + path, PAYLOAD));
      assertTrue(e.recordAtFault(), path);
      assertTrue(e.getMessage().contains("redirect"), e.getMessage());
    }
    assertEquals(0, secretHits.get());
  }

  @Test
  void bodiesLargerThanTheReferenceFailBeforeOrWhileTheyAreRead() {
    long before = System.nanoTime();
    PayloadFetcher.PayloadException declared = refused(fetcher(),
        ref(base(server) + "/huge-declared", PAYLOAD));
    assertTrue(declared.recordAtFault());
    assertTrue(declared.getMessage().contains("Content-Length"), declared.getMessage());
    PayloadFetcher.PayloadException chunked = refused(fetcher(),
        ref(base(server) + "/huge-chunked", PAYLOAD));
    assertTrue(chunked.recordAtFault());
    assertTrue(chunked.getMessage().contains("more bytes than"), chunked.getMessage());
    PayloadFetcher.PayloadException overCap = refused(fetcher(), new PayloadReference(
        base(server) + "/payload", (long) (1 << 20) + 1, Sha256.hex(PAYLOAD)));
    assertTrue(overCap.getMessage().contains("more than the cap"), overCap.getMessage());
    assertTrue(System.nanoTime() - before < 4_000_000_000L, "the caps took too long");
  }

  @Test
  void aSlowBodyEndsAtTheDeadlineAsAFailureThatIsNotTheRecordsFault() {
    Duration deadline = Duration.ofMillis(600);
    long before = System.nanoTime();
    PayloadFetcher.PayloadException e = refused(new PayloadFetcher(policy(true, deadline)),
        ref(base(server) + "/slow", PAYLOAD));
    long tookMs = (System.nanoTime() - before) / 1_000_000;
    assertFalse(e.recordAtFault());
    assertTrue(e.getMessage().contains("deadline"), e.getMessage());
    assertTrue(tookMs < PAYLOAD.length * 200L / 2, "the fetch took " + tookMs + " ms");
  }

  @Test
  void serverErrorsAreRetryableAndMissingPayloadsAreNot() {
    assertFalse(refused(fetcher(), ref(base(server) + "/error", PAYLOAD)).recordAtFault());
    assertTrue(refused(fetcher(), ref(base(server) + "/gone", PAYLOAD)).recordAtFault());
  }

  @Test
  void filesOutsideTheRootsAreRefusedWithoutDisclosingTheirSizeOrDigest() throws Exception {
    byte[] secret = new byte[4321];
    new java.util.Random(7).nextBytes(secret);
    Path secretFile = Files.write(outside.resolve("secret"), secret);
    Path inside = Files.write(root.resolve("chunk.ts"), PAYLOAD);
    assertArrayEquals(PAYLOAD, fetcher().bytes(ref(inside.toUri().toString(), PAYLOAD)));
    Path link = Files.createSymbolicLink(root.resolve("link"), secretFile);
    for (String uri : List.of(secretFile.toUri().toString(), link.toUri().toString(),
        root.toUri() + "../outside/secret", "file:///etc/passwd")) {
      for (long size : List.of(1L, (long) secret.length)) {
        PayloadFetcher.PayloadException e = refused(fetcher(), new PayloadReference(uri, size,
            Sha256.hex(new byte[] {1})));
        assertTrue(e.recordAtFault(), uri);
        assertFalse(e.getMessage().contains(String.valueOf(secret.length)), e.getMessage());
        assertFalse(e.getMessage().contains(Sha256.hex(secret)), e.getMessage());
      }
    }
    PayloadFetcher.PayloadException missing = refused(fetcher(), ref(
        outside.resolve("does-not-exist").toUri().toString(), PAYLOAD));
    PayloadFetcher.PayloadException present = refused(fetcher(), ref(secretFile.toUri()
        .toString(), PAYLOAD));
    assertEquals(missing.getMessage().replace("does-not-exist", "secret"),
        present.getMessage(), "a refusal must not tell whether the file exists");
  }

  @Test
  void credentialsInAReferenceNeverReachTheMessage() {
    PayloadFetcher.PayloadException e = refused(fetcher(), ref(
        "https://operator:hunter2@example.com/x", PAYLOAD));
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    assertFalse(e.getMessage().contains("operator"), e.getMessage());
  }
}
