package io.foleystream.topology.assembler;

import io.foleystream.schemas.PtsRange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which parts of a time range a set of chunk ranges covers: the gaps, in order, and the covered
 * length. Ranges are half-open, in microseconds.
 */
final class Coverage {

  /** A half-open range {@code [start, end)}. */
  record Span(long start, long end) {}

  private final List<PtsRange> gaps;
  private final long coveredMicros;

  private Coverage(List<PtsRange> gaps, long coveredMicros) {
    this.gaps = gaps;
    this.coveredMicros = coveredMicros;
  }

  /**
   * Measures how {@code spans} cover {@code [from, to)}, where an uncovered stretch of at most
   * {@code toleranceMicros} is no gap: chunk boundaries that an external producer rounded
   * differently (a chunk ending at 1.999999 s, the next starting at 2 s) are contiguous. The
   * tolerated stretches count as covered.
   *
   * @param spans the chunk ranges, in any order, overlapping or not
   * @param from range start
   * @param to range end
   * @param toleranceMicros longest uncovered stretch that is not a gap, at least 0
   * @return the gaps and the covered length
   */
  static Coverage of(List<Span> spans, long from, long to, long toleranceMicros) {
    List<Span> sorted = new ArrayList<>(spans);
    sorted.sort(Comparator.comparingLong(Span::start));
    List<PtsRange> gaps = new ArrayList<>();
    long cursor = from;
    // Clamped to the range, a span ending at or before the cursor opens no gap and moves
    // nothing, and one starting at or after the range's end closes the gap up to it: no span
    // needs skipping.
    for (Span span : sorted) {
      long start = Math.min(span.start(), to);
      if (start - cursor > toleranceMicros) {
        gaps.add(new PtsRange(cursor, start));
      }
      cursor = Math.max(cursor, Math.min(span.end(), to));
    }
    if (to - cursor > toleranceMicros) {
      gaps.add(new PtsRange(cursor, to));
    }
    long missing = 0;
    for (PtsRange gap : gaps) {
      missing += gap.getEndMicros() - gap.getStartMicros();
    }
    return new Coverage(gaps, Math.max(0, to - from) - missing);
  }

  /**
   * The uncovered parts, in order.
   *
   * @return the gaps
   */
  List<PtsRange> gaps() {
    return gaps;
  }

  /**
   * Whether nothing is missing.
   *
   * @return true if there is no gap
   */
  boolean complete() {
    return gaps.isEmpty();
  }

  /**
   * The covered length.
   *
   * @return microseconds
   */
  long coveredMicros() {
    return coveredMicros;
  }
}
