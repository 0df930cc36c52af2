package io.foleystream.media;

/**
 * The frame sampler: applies "the frame used for grid time g is the first decoded frame whose
 * time is at or after g" to frames arriving one by one, in decoder output order.
 *
 * <p>A frame serves every pending grid point whose time it has reached, so a frame may serve
 * several points (sources slower than the grid) and frames between grid points serve none
 * (sources faster than the grid). No frame is buffered: the decision needs only the frame's own
 * time, which is what lets decoding, sampling and preprocessing run as one pass. Points are
 * served strictly in order, so the served points always form a prefix of the grid.
 */
final class FrameSampler {

  private final SamplingGrid grid;
  private final int count;
  private int next;

  FrameSampler(SamplingGrid grid) {
    this.grid = grid;
    this.count = grid.count();
  }

  /** How many pending grid points a frame at {@code ptsUs} serves (0 if none). */
  int pointsServedBy(long ptsUs) {
    if (ptsUs > grid.endUs()) {
      return 0;
    }
    int n = 0;
    while (next + n < count && grid.timeUs(next + n) <= ptsUs) {
      n++;
    }
    return n;
  }

  /** Marks the next {@code n} points as served; returns the index of the first of them. */
  int take(int n) {
    int first = next;
    next += n;
    return first;
  }

  /** Grid points served so far. */
  int served() {
    return next;
  }

  /** True once every grid point is served. */
  boolean complete() {
    return next == count;
  }

  /** True if no frame at or after {@code ptsUs} can serve a pending point. */
  boolean closedAt(long ptsUs) {
    return complete() || ptsUs > grid.endUs();
  }
}
