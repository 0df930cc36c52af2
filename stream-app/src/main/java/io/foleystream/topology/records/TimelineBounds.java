package io.foleystream.topology.records;

import io.foleystream.schemas.BufferedChunk;
import io.foleystream.schemas.StreamAssembly;
import io.foleystream.schemas.VideoChunk;

/**
 * The bounds a stream's timeline must stay within, so that one record cannot make the assembler
 * emit an unbounded number of windows or overflow its arithmetic. A chunk outside them is
 * dead-lettered with the rule it broke, and the stream goes on.
 *
 * <ul>
 *   <li>a chunk lasts at most {@code maxChunkDurationMicros};
 *   <li>its PTS lies within {@code +-}{@link #PTS_LIMIT_MICROS}, so that every sum the assembler
 *       forms (a chunk's end, a window's end plus the grace time) stays far from overflow;
 *   <li>it starts at most {@code maxJumpMicros} after the latest chunk end of its stream, and at
 *       most that much before the stream's earliest chunk (or next window) still buffered;
 *   <li>a control record's origin lies within {@code maxOriginDistanceMicros} of the stream's
 *       first chunk (an origin further away is ignored when the first chunk arrives after it);
 *   <li>one record, and one punctuation, emits at most {@code maxWindowsPerRecord} and {@code
 *       maxWindowsPerPunctuation} windows: the rest are emitted by later records or
 *       punctuations, never dropped.
 * </ul>
 *
 * @param maxChunkDurationMicros longest chunk
 * @param maxJumpMicros largest distance between a chunk and its stream's known timeline
 * @param maxOriginDistanceMicros largest distance between a control origin and the first chunk
 * @param maxWindowsPerRecord most windows emitted for one input record
 * @param maxWindowsPerPunctuation most windows emitted by one punctuation, over all streams
 */
public record TimelineBounds(long maxChunkDurationMicros, long maxJumpMicros,
    long maxOriginDistanceMicros, int maxWindowsPerRecord, int maxWindowsPerPunctuation) {

  /** Largest absolute PTS accepted: 2^62 us (about 146,000 years). */
  public static final long PTS_LIMIT_MICROS = 1L << 62;

  /**
   * Validates the values.
   *
   * @throws IllegalArgumentException if one is not positive or a PTS distance exceeds the limit
   */
  public TimelineBounds {
    if (maxChunkDurationMicros <= 0 || maxJumpMicros < 0 || maxOriginDistanceMicros < 0
        || maxWindowsPerRecord < 1 || maxWindowsPerPunctuation < 1) {
      throw new IllegalArgumentException("timeline bounds must be positive (durations may be 0"
          + " for the jump and origin distance)");
    }
    if (maxChunkDurationMicros > PTS_LIMIT_MICROS || maxJumpMicros > PTS_LIMIT_MICROS
        || maxOriginDistanceMicros > PTS_LIMIT_MICROS) {
      throw new IllegalArgumentException("timeline bounds must be at most " + PTS_LIMIT_MICROS
          + " us");
    }
  }

  /**
   * The defaults of the configuration keys: chunks up to 60 s, jumps up to 60 s, the origin
   * within one 8 s window of the first chunk, 16 windows per record, 64 per punctuation.
   *
   * @return the defaults
   */
  public static TimelineBounds defaults() {
    return new TimelineBounds(60_000_000L, 60_000_000L, 8_000_000L, 16, 64);
  }

  /**
   * What is wrong with a chunk's own timestamps, whatever its stream did before.
   *
   * @param chunk a chunk
   * @return the rule it breaks, or null
   */
  public String chunkProblem(VideoChunk chunk) {
    long pts = chunk.getPtsStartMicros();
    long duration = chunk.getDurationMicros();
    if (duration > maxChunkDurationMicros) {
      return "max chunk duration: chunk " + chunk.getSequence() + " lasts " + duration
          + " us, more than " + maxChunkDurationMicros + " us";
    }
    if (pts < -PTS_LIMIT_MICROS || pts > PTS_LIMIT_MICROS - duration) {
      return "PTS range: chunk " + chunk.getSequence() + " starts at " + pts
          + " us; a chunk must lie within +-" + PTS_LIMIT_MICROS + " us";
    }
    return null;
  }

  /**
   * What is wrong with a chunk's place on its stream's timeline.
   *
   * @param chunk a chunk whose own timestamps are within bounds
   * @param state its stream's state, or null for a new stream
   * @return the rule it breaks, or null
   */
  public String jumpProblem(VideoChunk chunk, StreamAssembly state) {
    if (state == null || state.getMaxEndMicros() == null || state.getEnded()) {
      // An ended stream's chunks are either repeats (dropped after its end) or a fresh start.
      return null;
    }
    long start = chunk.getPtsStartMicros();
    long latest = state.getMaxEndMicros();
    // Both lie within the PTS limit, so the difference cannot overflow, and a chunk on the other
    // side gives one of at most 0, within the bound.
    if (start - latest > maxJumpMicros) {
      return "max PTS jump: chunk " + chunk.getSequence() + " starts " + (start - latest)
          + " us after its stream's latest chunk end, more than " + maxJumpMicros + " us";
    }
    long earliest = earliest(state);
    if (start < earliest && earliest - start > maxJumpMicros) {
      return "max PTS jump: chunk " + chunk.getSequence() + " starts " + (earliest - start)
          + " us before its stream's earliest buffered chunk, more than " + maxJumpMicros
          + " us";
    }
    return null;
  }

  /**
   * Whether a control record's origin is close enough to a stream's first chunk.
   *
   * @param originMicros the origin
   * @param firstChunkStartMicros the first chunk's start
   * @return true when the origin is within {@code maxOriginDistanceMicros}
   */
  public boolean originAllowed(long originMicros, long firstChunkStartMicros) {
    return Math.abs(saturatedSubtract(originMicros, firstChunkStartMicros))
        <= maxOriginDistanceMicros;
  }

  /**
   * What is wrong with a control record's origin, given what its stream received so far.
   *
   * @param originMicros the origin
   * @param state the stream's state, or null
   * @return the rule it breaks, or null (also when the stream has no chunk yet: the origin is
   *     then checked when the first one arrives)
   */
  public String originProblem(long originMicros, StreamAssembly state) {
    if (state == null || state.getEnded() || state.getOriginFixed()
        || state.getChunks().isEmpty()) {
      return null;
    }
    long first = earliest(state);
    if (!originAllowed(originMicros, first)) {
      return "origin distance: origin " + originMicros + " us is more than "
          + maxOriginDistanceMicros + " us from the stream's first chunk at " + first + " us";
    }
    return null;
  }

  /**
   * {@code a + b}, clamped to the range of a long rather than wrapping around.
   *
   * @param a a value
   * @param b a value
   * @return the sum, or {@link Long#MAX_VALUE} / {@link Long#MIN_VALUE} when it overflows
   */
  public static long saturatedAdd(long a, long b) {
    long sum = a + b;
    if (((a ^ sum) & (b ^ sum)) < 0) {
      return a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
    return sum;
  }

  private static long saturatedSubtract(long a, long b) {
    return b == Long.MIN_VALUE ? saturatedAdd(saturatedAdd(a, Long.MAX_VALUE), 1)
        : saturatedAdd(a, -b);
  }

  private static long earliest(StreamAssembly state) {
    long earliest = state.getNextWindowStartMicros() == null ? Long.MAX_VALUE
        : state.getNextWindowStartMicros();
    for (BufferedChunk c : state.getChunks()) {
      earliest = Math.min(earliest, c.getStartMicros());
    }
    return earliest == Long.MAX_VALUE ? state.getMaxEndMicros() : earliest;
  }
}
