package io.foleystream.cli;

import io.foleystream.inference.ModelGraph;
import io.foleystream.inference.ModelLoadListener;
import java.io.PrintWriter;

/**
 * Shows the opening of a model set: the checksum verification as a {@link ProgressBar} of bytes
 * naming the file being hashed, then the creation of the sessions as a bar of sessions naming
 * the graph. Sets under {@link #MIN_BYTES} open in about a second (the test fixtures), so they
 * draw nothing: one rule, decided by the set's size, not by timing.
 */
final class ModelLoadProgress implements ModelLoadListener {

  /** Smallest set that gets bars: 100 MB, a fraction of a second of SHA-256. */
  static final long MIN_BYTES = 100_000_000L;

  private final ProgressBar hashing;
  private final ProgressBar sessions;
  private final long minBytes;
  private boolean shown;

  /**
   * @param hashing the bar of bytes hashed, in {@link ProgressBar.Unit#BYTES}
   * @param sessions the bar of sessions created, in {@link ProgressBar.Unit#COUNT}
   * @param minBytes smallest set that gets drawn
   */
  ModelLoadProgress(ProgressBar hashing, ProgressBar sessions, long minBytes) {
    this.hashing = hashing;
    this.sessions = sessions;
    this.minBytes = minBytes;
  }

  /**
   * Bars on the console (redrawn on a terminal, plain lines otherwise) for sets of at least
   * {@link #MIN_BYTES}.
   *
   * @param err where to draw
   * @param enabled false draws nothing
   * @return the listener
   */
  static ModelLoadProgress forConsole(PrintWriter err, boolean enabled) {
    return new ModelLoadProgress(
        ProgressBar.forConsole(err, "verifying SHA-256", ProgressBar.Unit.BYTES, enabled),
        ProgressBar.forConsole(err, "creating sessions", ProgressBar.Unit.COUNT, enabled),
        MIN_BYTES);
  }

  @Override
  public void hashed(Progress progress) {
    // Hashing always comes first, so it decides for the sessions too.
    shown = progress.totalBytes() >= minBytes;
    if (shown) {
      hashing.update(progress.bytesHashed(), progress.totalBytes(), progress.file());
    }
  }

  @Override
  public void sessionCreated(ModelGraph graph, int created, int total) {
    if (shown) {
      sessions.update(created, total, graph.key());
    }
  }
}
