package io.foleystream.topology.generator;

import io.foleystream.schemas.PayloadReference;
import io.foleystream.topology.records.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The bytes of a chunk payload: inline bytes as they are, or a {@link PayloadReference} fetched
 * from a {@code file:}, {@code http:} or {@code https:} URI and checked against its size and
 * SHA-256.
 */
public final class PayloadFetcher {

  /** The payload cannot be had or is not what its reference promises. */
  public static final class PayloadException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean recordAtFault;

    public PayloadException(String message, boolean recordAtFault, Throwable cause) {
      super(message, cause);
      this.recordAtFault = recordAtFault;
    }

    /** True when the reference itself is wrong (retrying cannot help). */
    public boolean recordAtFault() {
      return recordAtFault;
    }
  }

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
      .followRedirects(HttpClient.Redirect.NORMAL).build();

  /**
   * The payload's bytes.
   *
   * @param payload a {@link ByteBuffer} or a {@link PayloadReference}
   * @return the bytes
   * @throws PayloadException if a reference cannot be fetched or does not match
   */
  public byte[] bytes(Object payload) throws PayloadException {
    if (payload instanceof ByteBuffer buffer) {
      ByteBuffer view = buffer.duplicate();
      byte[] bytes = new byte[view.remaining()];
      view.get(bytes);
      return bytes;
    }
    PayloadReference ref = (PayloadReference) payload;
    byte[] bytes = fetch(ref);
    if (bytes.length != ref.getSizeBytes()) {
      throw new PayloadException(ref.getUri() + ": " + bytes.length + " bytes, the reference says "
          + ref.getSizeBytes(), true, null);
    }
    String digest = Sha256.hex(bytes);
    if (!digest.equalsIgnoreCase(ref.getSha256())) {
      throw new PayloadException(ref.getUri() + ": SHA-256 " + digest + ", the reference says "
          + ref.getSha256(), true, null);
    }
    return bytes;
  }

  private byte[] fetch(PayloadReference ref) throws PayloadException {
    URI uri;
    try {
      uri = URI.create(ref.getUri());
    } catch (IllegalArgumentException e) {
      throw new PayloadException("not a URI: " + ref.getUri(), true, e);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    try {
      switch (scheme) {
        case "file":
          return Files.readAllBytes(Path.of(uri));
        case "http":
        case "https":
          HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri)
              .timeout(TIMEOUT).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
          try (InputStream body = response.body()) {
            if (response.statusCode() == 404 || response.statusCode() == 410) {
              throw new PayloadException(uri + ": HTTP " + response.statusCode(), true, null);
            }
            if (response.statusCode() / 100 != 2) {
              throw new PayloadException(uri + ": HTTP " + response.statusCode(), false, null);
            }
            return body.readAllBytes();
          }
        default:
          throw new PayloadException(uri + ": unsupported scheme (file, http and https are"
              + " supported)", true, null);
      }
    } catch (java.nio.file.NoSuchFileException e) {
      throw new PayloadException(uri + ": no such file", true, e);
    } catch (IOException e) {
      throw new PayloadException(uri + ": " + e.getMessage(), false, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PayloadException(uri + ": interrupted", false, e);
    }
  }
}
