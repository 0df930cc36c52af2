package io.foleystream.topology.assembler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * When each stream next needs the assembler's attention without a chunk arriving: its idle
 * timeout, or the end of its retention. Ordered by time, so the wall-clock punctuation looks only
 * at the streams that are due: its cost grows with the streams due, not with every stream ever
 * seen. Kept in memory by the stream task and rebuilt from the assembly store when the task
 * starts.
 */
final class StreamWakeups {

  private record Wakeup(long atMillis, String streamId) implements Comparable<Wakeup> {
    @Override
    public int compareTo(Wakeup other) {
      int byTime = Long.compare(atMillis, other.atMillis);
      return byTime != 0 ? byTime : streamId.compareTo(other.streamId);
    }
  }

  private final TreeSet<Wakeup> byTime = new TreeSet<>();
  private final Map<String, Wakeup> byStream = new HashMap<>();

  /**
   * Sets a stream's next wake-up, replacing the one it had.
   *
   * @param streamId the stream
   * @param atMillis wall-clock time
   */
  void schedule(String streamId, long atMillis) {
    cancel(streamId);
    Wakeup wakeup = new Wakeup(atMillis, streamId);
    byTime.add(wakeup);
    byStream.put(streamId, wakeup);
  }

  /**
   * Forgets a stream.
   *
   * @param streamId the stream
   */
  void cancel(String streamId) {
    Wakeup old = byStream.remove(streamId);
    if (old != null) {
      byTime.remove(old);
    }
  }

  /**
   * Takes the streams due by now, earliest first; they are forgotten until scheduled again.
   *
   * @param nowMillis wall-clock time
   * @return the stream ids
   */
  List<String> due(long nowMillis) {
    List<String> due = new ArrayList<>();
    while (!byTime.isEmpty() && byTime.first().atMillis() <= nowMillis) {
      Wakeup w = byTime.pollFirst();
      byStream.remove(w.streamId());
      due.add(w.streamId());
    }
    return due;
  }

  /**
   * Streams with a wake-up.
   *
   * @return the count
   */
  int size() {
    return byStream.size();
  }
}
