package io.foleystream.media;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The presentation times of every frame of the chunks a stream's windows decoded, so that a later
 * window that overlaps them can tell which source frame each of its grid points takes without
 * decoding the chunk again. Of a chunk whose decode stopped early the frames up to the stop are
 * remembered, marked as a prefix.
 *
 * <p>A chunk is known by its place on the timeline, its length and a CRC-32C of its bytes, so a
 * different chunk at the same place is never mistaken for it. At most {@code maxChunks} chunks are
 * kept; the oldest remembered goes first. Not thread-safe: one per stream, used by one worker.
 */
public final class ChunkFrameTimes {

  private final int maxChunks;
  private final Map<Key, Remembered> times;

  /**
   * The frames remembered of a chunk.
   *
   * @param framePtsUs frame times in decoder output order
   * @param complete whether they are all the chunk's frames, or the first ones only
   */
  public record Remembered(long[] framePtsUs, boolean complete) {}

  /**
   * An empty memory.
   *
   * @param maxChunks the most chunks kept, at least 1
   * @throws IllegalArgumentException if the bound is below 1
   */
  public ChunkFrameTimes(int maxChunks) {
    if (maxChunks < 1) {
      throw new IllegalArgumentException("keep at least one chunk: " + maxChunks);
    }
    this.maxChunks = maxChunks;
    this.times = new LinkedHashMap<>(16, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, Remembered> eldest) {
        return size() > ChunkFrameTimes.this.maxChunks;
      }
    };
  }

  /**
   * The frame times of a chunk decoded before.
   *
   * @param chunk the chunk
   * @return its frames' PTS in decoder output order, or null when it was not decoded before
   */
  public Remembered of(MediaChunk chunk) {
    Remembered known = times.get(Key.of(chunk));
    return known == null ? null : new Remembered(known.framePtsUs().clone(), known.complete());
  }

  /**
   * Remembers the frame times of a decoded chunk. A prefix does not replace a complete list, nor
   * a longer prefix.
   *
   * @param chunk the chunk
   * @param framePtsUs the PTS of the frames decoded, in decoder output order
   * @param complete whether the decode reached the chunk's end
   */
  public void remember(MediaChunk chunk, long[] framePtsUs, boolean complete) {
    Key key = Key.of(chunk);
    Remembered known = times.get(key);
    if (complete || known == null
        || !known.complete() && known.framePtsUs().length < framePtsUs.length) {
      times.put(key, new Remembered(framePtsUs.clone(), complete));
    }
  }

  /**
   * Forgets the chunks that end at or before a time: no later window of a stream whose windows
   * start at or after it reads them.
   *
   * @param us a time on the stream timeline
   */
  public void forgetEndingBy(long us) {
    for (Iterator<Key> keys = times.keySet().iterator(); keys.hasNext(); ) {
      if (keys.next().endUs() <= us) {
        keys.remove();
      }
    }
  }

  /**
   * Chunks remembered.
   *
   * @return the count
   */
  public int size() {
    return times.size();
  }

  private record Key(long startUs, long endUs, int length, long crc) {
    static Key of(MediaChunk chunk) {
      CRC32C crc = new CRC32C();
      crc.update(chunk.bytes());
      return new Key(chunk.startUs(), chunk.endUs(), chunk.bytes().length, crc.getValue());
    }
  }
}
