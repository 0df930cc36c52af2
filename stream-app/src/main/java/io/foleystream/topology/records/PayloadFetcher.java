package io.foleystream.topology.records;

import io.foleystream.schemas.PayloadReference;
import io.foleystream.topology.records.Redaction;
import io.foleystream.topology.records.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The bytes of a chunk payload: inline bytes as they are, or a {@link PayloadReference} fetched
 * as its {@link ReferencePolicy} allows and checked against its size and SHA-256.
 *
 * <p>A reference the policy refuses fails before anything is opened, and its message tells
 * neither the size nor the digest of what it points at. Redirects are followed by hand, each
 * target checked like the reference itself and none to another scheme. The byte cap is the
 * reference's own size (itself at most the policy's cap): a {@code Content-Length} above it fails
 * before the body is read, and a body that grows past it fails while it is read. The policy's
 * deadline covers the whole fetch, redirects and body included.
 */
public final class PayloadFetcher {

  /** The payload cannot be had or is not what its reference promises. */
  public static final class PayloadException extends Exception {
    private static final long serialVersionUID = 1L;
    private final boolean recordAtFault;

    /**
     * @param message what went wrong, free of credentials
     * @param recordAtFault whether the reference itself is wrong
     * @param cause the cause, or null
     */
    public PayloadException(String message, boolean recordAtFault, Throwable cause) {
      super(message, cause);
      this.recordAtFault = recordAtFault;
    }

    /** True when the reference itself is wrong (retrying cannot help). */
    public boolean recordAtFault() {
      return recordAtFault;
    }
  }

  /** A body larger than the reference says. */
  private static final class TooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    TooLargeException(String message) {
      super(message);
    }
  }

  private final ReferencePolicy policy;
  private final HttpClient http;

  /**
   * @param policy what references may reach
   */
  public PayloadFetcher(ReferencePolicy policy) {
    this.policy = policy;
    this.http = HttpClient.newBuilder().connectTimeout(policy.deadline())
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  /**
   * The payload's bytes.
   *
   * @param payload a {@link ByteBuffer} or a {@link PayloadReference}
   * @return the bytes
   * @throws PayloadException if a reference is refused, cannot be fetched or does not match
   */
  public byte[] bytes(Object payload) throws PayloadException {
    if (payload instanceof ByteBuffer buffer) {
      ByteBuffer view = buffer.duplicate();
      byte[] bytes = new byte[view.remaining()];
      view.get(bytes);
      return bytes;
    }
    PayloadReference ref = (PayloadReference) payload;
    String shown = Redaction.redact(ref.getUri());
    if (ref.getSizeBytes() > policy.maxBytes()) {
      throw new PayloadException(shown + ": the reference declares " + ref.getSizeBytes()
          + " bytes, more than the cap of " + policy.maxBytes(), true, null);
    }
    URI uri;
    try {
      uri = URI.create(ref.getUri());
    } catch (IllegalArgumentException e) {
      throw new PayloadException("not a URI: " + shown, true, null);
    }
    long deadline = System.nanoTime() + policy.deadline().toNanos();
    byte[] bytes;
    try {
      policy.checkUri(uri);
      bytes = "file".equalsIgnoreCase(uri.getScheme()) ? readFile(uri, ref.getSizeBytes())
          : fetchHttp(uri, ref.getSizeBytes(), deadline);
    } catch (ReferencePolicy.RefusedException e) {
      throw new PayloadException(shown + ": " + e.getMessage(), true, null);
    } catch (TooLargeException e) {
      throw new PayloadException(shown + ": " + e.getMessage(), true, null);
    }
    if (bytes.length != ref.getSizeBytes()) {
      throw new PayloadException(shown + ": " + bytes.length + " bytes, the reference says "
          + ref.getSizeBytes(), true, null);
    }
    String digest = Sha256.hex(bytes);
    if (!digest.equalsIgnoreCase(ref.getSha256())) {
      throw new PayloadException(shown + ": SHA-256 " + digest + ", the reference says "
          + ref.getSha256(), true, null);
    }
    return bytes;
  }

  private byte[] readFile(URI uri, long limit) throws PayloadException,
      ReferencePolicy.RefusedException, TooLargeException {
    Path path = policy.checkFile(uri);
    Path real;
    try {
      real = path.toRealPath();
    } catch (NoSuchFileException e) {
      throw new PayloadException(Redaction.redact(uri.toString()) + ": no such file", true, null);
    } catch (IOException e) {
      throw new PayloadException(Redaction.redact(uri.toString()) + ": " + e.getMessage(), false,
          null);
    }
    policy.checkRealFile(real);
    if (!Files.isRegularFile(real)) {
      throw new ReferencePolicy.RefusedException("not a regular file");
    }
    try (InputStream in = Files.newInputStream(real)) {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
      if (bytes.length > limit) {
        throw new TooLargeException("the file holds more bytes than the reference's " + limit);
      }
      return bytes;
    } catch (TooLargeException e) {
      throw e;
    } catch (IOException e) {
      throw new PayloadException(Redaction.redact(uri.toString()) + ": " + e.getMessage(), false,
          null);
    }
  }

  private byte[] fetchHttp(URI uri, long limit, long deadline) throws PayloadException,
      ReferencePolicy.RefusedException, TooLargeException {
    URI current = uri;
    for (int redirects = 0; ; redirects++) {
      String shown = Redaction.redact(current.toString());
      try {
        policy.checkAddresses(current.getHost());
      } catch (UnknownHostException e) {
        throw new PayloadException(shown + ": unknown host", false, null);
      }
      HttpResponse<byte[]> response = send(current, limit, deadline);
      int status = response.statusCode();
      if (status / 100 == 3 && response.headers().firstValue("location").isPresent()) {
        if (redirects >= policy.maxRedirects()) {
          throw new ReferencePolicy.RefusedException("more than " + policy.maxRedirects()
              + " redirects");
        }
        URI target;
        try {
          target = current.resolve(response.headers().firstValue("location").get());
        } catch (IllegalArgumentException e) {
          throw new ReferencePolicy.RefusedException("a redirect to something that is not a"
              + " URI");
        }
        if (!current.getScheme().equalsIgnoreCase(String.valueOf(target.getScheme()))) {
          throw new ReferencePolicy.RefusedException("a redirect to another scheme");
        }
        try {
          policy.checkUri(target);
        } catch (ReferencePolicy.RefusedException e) {
          throw new ReferencePolicy.RefusedException("a redirect outside the allow-list: "
              + e.getMessage());
        }
        current = target;
        continue;
      }
      if (status == 404 || status == 410) {
        throw new PayloadException(shown + ": HTTP " + status, true, null);
      }
      if (status / 100 != 2) {
        throw new PayloadException(shown + ": HTTP " + status, false, null);
      }
      return response.body();
    }
  }

  private HttpResponse<byte[]> send(URI uri, long limit, long deadline) throws PayloadException,
      TooLargeException {
    long remaining = deadline - System.nanoTime();
    String shown = Redaction.redact(uri.toString());
    if (remaining <= 0) {
      throw deadlinePassed(shown);
    }
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofNanos(remaining)).GET()
        .build();
    CompletableFuture<HttpResponse<byte[]>> future = http.sendAsync(request, info -> {
      if (info.statusCode() / 100 != 2) {
        return HttpResponse.BodySubscribers.replacing(null);
      }
      long declared = info.headers().firstValueAsLong("content-length").orElse(-1);
      return new CappedBody(limit, declared > limit ? declared : -1);
    });
    try {
      return future.get(remaining, TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw deadlinePassed(shown);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new PayloadException(shown + ": interrupted", false, null);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      while (cause != null && !(cause instanceof TooLargeException) && cause.getCause() != null) {
        cause = cause.getCause();
      }
      if (cause instanceof TooLargeException tooLarge) {
        throw tooLarge;
      }
      if (e.getCause() instanceof java.net.http.HttpTimeoutException) {
        throw deadlinePassed(shown);
      }
      throw new PayloadException(shown + ": " + describe(e.getCause()), false, null);
    }
  }

  private PayloadException deadlinePassed(String shown) {
    return new PayloadException(shown + ": not fetched within the deadline of "
        + policy.deadline().toMillis() + " ms", false, null);
  }

  private static String describe(Throwable error) {
    String message = error.getMessage();
    String kind = error.getClass().getSimpleName().toLowerCase(Locale.ROOT)
        .replace("exception", "");
    return Redaction.redact(message == null || message.isBlank() ? kind : message);
  }

  /**
   * Collects a body up to a limit: a {@code Content-Length} above it, or a body that grows past
   * it, fails at once and cancels the transfer.
   */
  private static final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {
    private final long limit;
    private final long declaredTooLarge;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private Flow.Subscription subscription;

    CappedBody(long limit, long declaredTooLarge) {
      this.limit = limit;
      this.declaredTooLarge = declaredTooLarge;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (declaredTooLarge >= 0) {
        s.cancel();
        result.completeExceptionally(new TooLargeException("Content-Length " + declaredTooLarge
            + " is more than the reference's " + limit + " bytes"));
        return;
      }
      s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      if (result.isDone()) {
        return;
      }
      for (ByteBuffer item : items) {
        if (out.size() + (long) item.remaining() > limit) {
          subscription.cancel();
          result.completeExceptionally(new TooLargeException("the body holds more bytes than"
              + " the reference's " + limit));
          return;
        }
        byte[] bytes = new byte[item.remaining()];
        item.get(bytes);
        out.writeBytes(bytes);
      }
      subscription.request(1);
    }

    @Override
    public void onError(Throwable error) {
      result.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
      result.complete(out.toByteArray());
    }
  }
}
