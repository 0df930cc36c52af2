package io.foleystream.cli;

import io.foleystream.inference.VerificationListener;
import java.io.PrintWriter;

/**
 * Shows the checksum verification of a model set as a {@link ProgressBar} of bytes, naming the
 * file being hashed. Sets under {@link #MIN_BYTES} verify in well under a second (the test
 * fixtures), so they draw nothing: one rule, decided by the set's size, not by timing.
 */
final class VerificationBar implements VerificationListener {

  /** Smallest set that gets a bar: 100 MB, a fraction of a second of SHA-256. */
  static final long MIN_BYTES = 100_000_000L;

  private final ProgressBar bar;
  private final long minBytes;

  /**
   * @param bar where to draw, in {@link ProgressBar.Unit#BYTES}
   * @param minBytes smallest set that gets drawn
   */
  VerificationBar(ProgressBar bar, long minBytes) {
    this.bar = bar;
    this.minBytes = minBytes;
  }

  /**
   * A bar on the console (redrawn on a terminal, plain lines otherwise) for sets of at least
   * {@link #MIN_BYTES}.
   *
   * @param err where to draw
   * @param enabled false draws nothing
   * @return the listener
   */
  static VerificationBar forConsole(PrintWriter err, boolean enabled) {
    return new VerificationBar(ProgressBar.forConsole(err, "verifying SHA-256",
        ProgressBar.Unit.BYTES, enabled), MIN_BYTES);
  }

  @Override
  public void hashed(Progress progress) {
    if (progress.totalBytes() >= minBytes) {
      bar.update(progress.bytesHashed(), progress.totalBytes(), progress.file());
    }
  }
}
