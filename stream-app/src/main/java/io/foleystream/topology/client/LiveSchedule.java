package io.foleystream.topology.client;

/**
 * When a live output releases each video chunk: a fixed delay after the chunk is due, so that the
 * chunk's generated audio has had that long to arrive.
 *
 * <p>A chunk is due when it arrived, but never before its place on the stream timeline: the first
 * chunk anchors the stream timeline to the wall clock (its end at its arrival), and a later chunk
 * ending at stream time {@code e} is due no earlier than the anchor plus {@code e} minus the first
 * chunk's end. A live source's chunks arrive on that schedule anyway; a backlog or a file ingested
 * faster than real time is played out at real-time pace instead of all at once (which would leave
 * no time for its audio).
 */
final class LiveSchedule {

  private final long delayNanos;
  private long anchorWallNanos;
  private long anchorStreamUs;
  private boolean anchored;

  /**
   * @param delayNanos the fixed delay behind the video, at least 0
   */
  LiveSchedule(long delayNanos) {
    if (delayNanos < 0) {
      throw new IllegalArgumentException("the live delay must be at least 0, got " + delayNanos);
    }
    this.delayNanos = delayNanos;
  }

  /**
   * The wall-clock time at which a chunk is released.
   *
   * @param chunkEndUs the chunk's end on the stream timeline
   * @param arrivalNanos when it arrived ({@link System#nanoTime()} scale)
   * @return the release time, same scale
   */
  long releaseAt(long chunkEndUs, long arrivalNanos) {
    if (!anchored) {
      anchored = true;
      anchorWallNanos = arrivalNanos;
      anchorStreamUs = chunkEndUs;
    }
    long paced = anchorWallNanos + (chunkEndUs - anchorStreamUs) * 1000;
    return Math.max(arrivalNanos, paced) + delayNanos;
  }
}
