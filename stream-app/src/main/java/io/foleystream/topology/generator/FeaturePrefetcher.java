package io.foleystream.topology.generator;

import io.foleystream.media.MediaException;
import io.foleystream.schemas.WindowTask;
import io.foleystream.topology.records.PayloadFetcher;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs the media work of windows (fetching payloads, decoding, preprocessing, feature
 * extraction: {@link WindowFeaturizer}) on a thread of its own, ahead of generation: while the
 * engine generates one batch, the windows that come next are featurized, so the engine does not
 * wait for media work and the media work does not wait for the engine.
 *
 * <p>Featurizing has no effect outside the featurizer's caches, so doing it early changes no
 * result: a window's features are the same whenever they are computed, and exactly-once
 * publishing is untouched. At most {@code capacity} windows are held ahead (back-pressure: while
 * that many are still being computed, further requests are not run ahead); the oldest result not
 * taken goes first when newer requests come, so windows of revoked partitions or windows skipped
 * since cannot fill it. A window is known by identity, the task object the driver holds: a
 * window read again after a rewind is featurized afresh. A failure is handed to whoever takes
 * the window, and the window is featurized again when asked again (a retry).
 *
 * <p>With capacity 0 nothing runs ahead: {@link #featurize} works on the caller's thread, as
 * before prefetching existed. All featurizer calls run on one thread, the featurizer is not
 * thread-safe.
 */
public final class FeaturePrefetcher implements AutoCloseable {

  /** The media work of one window: {@link WindowFeaturizer}'s, or a test's. */
  interface Media {
    WindowFeaturizer.Result featurize(WindowTask task)
        throws MediaException, PayloadFetcher.PayloadException;

    void forget(String streamId);
  }

  private final Media featurizer;
  private final int capacity;
  private final ExecutorService thread;
  /** Windows asked for ahead, oldest first. */
  private final Map<Held, Future<WindowFeaturizer.Result>> ahead = new LinkedHashMap<>();

  /** A window by identity: hashing a task would hash its chunks' payloads. */
  private record Held(WindowTask task) {
    @Override
    public boolean equals(Object other) {
      return other instanceof Held h && h.task == task;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(task);
    }
  }

  /**
   * A prefetcher over a featurizer.
   *
   * @param featurizer the featurizer; used by this prefetcher's thread only from now on
   * @param capacity most windows featurized ahead; 0 featurizes on the caller's thread
   * @throws IllegalArgumentException if the capacity is negative
   */
  public FeaturePrefetcher(WindowFeaturizer featurizer, int capacity) {
    this(new Media() {
      @Override
      public WindowFeaturizer.Result featurize(WindowTask task)
          throws MediaException, PayloadFetcher.PayloadException {
        return featurizer.featurize(task);
      }

      @Override
      public void forget(String streamId) {
        featurizer.forget(streamId);
      }
    }, capacity);
  }

  FeaturePrefetcher(Media featurizer, int capacity) {
    if (capacity < 0) {
      throw new IllegalArgumentException("prefetch capacity must not be negative: " + capacity);
    }
    this.featurizer = featurizer;
    this.capacity = capacity;
    this.thread = capacity == 0 ? null : Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "foleystream-media-prefetch");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Featurizes windows ahead, in order, up to the capacity.
   *
   * @param tasks the windows likely generated next, first first
   */
  public synchronized void ahead(List<WindowTask> tasks) {
    if (thread == null) {
      return;
    }
    for (WindowTask task : tasks) {
      Held held = new Held(task);
      if (ahead.containsKey(held)) {
        continue;
      }
      if (ahead.size() >= capacity && !dropOldestFinished()) {
        return;
      }
      ahead.put(held, thread.submit(() -> featurizer.featurize(task)));
    }
  }

  /** Forgets the oldest result already computed; false when every held window still runs. */
  private boolean dropOldestFinished() {
    for (Iterator<Future<WindowFeaturizer.Result>> it = ahead.values().iterator();
        it.hasNext(); ) {
      if (it.next().isDone()) {
        it.remove();
        return true;
      }
    }
    return false;
  }

  /**
   * A window's features: the result computed ahead, or computed now.
   *
   * @param task the window
   * @return its features and bad chunks
   * @throws MediaException if decoding fails for a reason that is not a chunk's fault
   * @throws PayloadFetcher.PayloadException if a payload cannot be fetched for now
   */
  public WindowFeaturizer.Result featurize(WindowTask task)
      throws MediaException, PayloadFetcher.PayloadException {
    if (thread == null) {
      return featurizer.featurize(task);
    }
    Future<WindowFeaturizer.Result> result;
    synchronized (this) {
      result = ahead.remove(new Held(task));
      if (result == null) {
        result = thread.submit(() -> featurizer.featurize(task));
      }
    }
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while featurizing", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof MediaException m) {
        throw m;
      }
      if (cause instanceof PayloadFetcher.PayloadException p) {
        throw p;
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    }
  }

  /**
   * Drops what was computed ahead for a window that will not be featurized (skipped, or not
   * generated by this instance).
   *
   * @param task the window
   */
  public synchronized void discard(WindowTask task) {
    Future<WindowFeaturizer.Result> result = ahead.remove(new Held(task));
    if (result != null) {
      result.cancel(false);
    }
  }

  /**
   * Forgets a stream's cached frames and features (its last window was generated), after the
   * work already asked for.
   *
   * @param streamId the stream
   */
  public void forget(String streamId) {
    if (thread == null) {
      featurizer.forget(streamId);
    } else {
      thread.execute(() -> featurizer.forget(streamId));
    }
  }

  /**
   * Windows held ahead (computed or running).
   *
   * @return the count
   */
  public synchronized int held() {
    return ahead.size();
  }

  /** Stops the thread after the work it runs; the featurizer stays open (its owner closes it). */
  @Override
  public void close() {
    if (thread != null) {
      thread.shutdownNow();
      try {
        thread.awaitTermination(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
