package io.foleystream.media;

/**
 * Places the frames of one decoded input on the stream timeline and checks their timestamps.
 *
 * <p>Demuxers rebase container timestamps per input (tsdemux starts each chunk near zero), so the
 * first decoded frame anchors the input at its declared start and every later frame keeps its
 * nanosecond offset from that frame, rounded to the nearest microsecond. Rounding the offset
 * (rather than truncating each nanosecond timestamp) keeps a frame that lies exactly on a grid
 * time exactly on it, although GStreamer's nanosecond timestamps of 90 kHz or 1/24 s ticks are
 * themselves truncated.
 */
final class StreamClock {

  private static final long NONE = -1L;

  private final String inputName;
  private final long startUs;
  private final long durationUs;
  private final long toleranceUs;
  private long anchorNs = NONE;

  /**
   * @param durationUs the declared duration, or a negative value when unknown (no range check)
   */
  StreamClock(String inputName, long startUs, long durationUs, long toleranceUs) {
    this.inputName = inputName;
    this.startUs = startUs;
    this.durationUs = durationUs;
    this.toleranceUs = toleranceUs;
  }

  /**
   * The stream time of a decoded frame.
   *
   * @param ptsNs the buffer's presentation timestamp as GStreamer gives it (-1 when absent)
   * @throws MediaException ({@link MediaException.Reason#BAD_TIMESTAMPS}) if the timestamp is
   *     missing or falls outside the declared range
   */
  long toStreamUs(long ptsNs) throws MediaException {
    if (ptsNs == NONE) {
      throw new MediaException(MediaException.Reason.BAD_TIMESTAMPS,
          inputName + ": decoded frame without a presentation timestamp");
    }
    if (anchorNs == NONE) {
      anchorNs = ptsNs;
    }
    long offsetUs = Math.floorDiv(ptsNs - anchorNs + 500, 1000);
    if (offsetUs < -toleranceUs || durationUs >= 0 && offsetUs > durationUs + toleranceUs) {
      throw new MediaException(MediaException.Reason.BAD_TIMESTAMPS, inputName + ": frame at "
          + offsetUs + " us from the first frame lies outside the declared duration of "
          + durationUs + " us");
    }
    return startUs + offsetUs;
  }
}
