package io.foleystream.media;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Generated audio waiting to be cut into consecutive spans of the stream timeline, for live output:
 * blocks arrive in any order and any size; {@link #take} hands out the next span, filling what did
 * not arrive with silence, and what arrives later for a span already taken is dropped.
 *
 * <p>Sample positions are counted from the start of the first span taken (the origin), at the
 * audio's own rate: the span {@code [from, to)} covers frames {@code frameAt(from)} up to {@code
 * frameAt(to)}, {@code frameAt(t) = floor((t - origin) * rate / 1e6)}. Consecutive spans therefore
 * tile the frame count exactly, and their timestamps never drift from the video's, however long
 * the stream runs.
 *
 * <p>Until the first block arrives the audio's format is unknown: spans taken before then are
 * silence in a fallback format. All blocks must share one format. Not thread-safe.
 */
public final class AudioTimeline {

  /** Rate and channel count of the silence handed out before any audio arrived. */
  public static final int FALLBACK_RATE = AudioVideoMuxer.OUTPUT_RATE;

  /**
   * One span taken from the timeline.
   *
   * @param audio the span's samples (silence where nothing arrived); its {@code ptsUs} is the
   *     span's start
   * @param firstFrame index of the span's first frame since the origin, at the audio's rate: the
   *     exact position to play it at
   * @param missingFrames frames of the span that no block covered (filled with silence)
   */
  public record Span(AudioBlock audio, long firstFrame, long missingFrames) {

    /**
     * Whether any part of the span is silence for want of audio.
     *
     * @return true if frames were missing
     */
    public boolean incomplete() {
      return missingFrames > 0;
    }
  }

  private final List<AudioBlock> pending = new ArrayList<>();
  private int sampleRate;
  private int channels;
  private Long originUs;
  private long takenUntilUs = Long.MIN_VALUE;

  /**
   * Adds a block. The part of it before the end of the last span taken is dropped.
   *
   * @param block audio on the stream timeline
   * @return the number of frames dropped because their span was already taken
   * @throws IllegalArgumentException if the block's format differs from earlier blocks'
   */
  public long add(AudioBlock block) {
    if (sampleRate == 0) {
      sampleRate = block.sampleRate();
      channels = block.channels();
    } else if (block.sampleRate() != sampleRate || block.channels() != channels) {
      throw new IllegalArgumentException("audio format changed from " + sampleRate + " Hz x "
          + channels + " to " + block.sampleRate() + " Hz x " + block.channels());
    }
    AudioBlock kept = takenUntilUs == Long.MIN_VALUE ? block
        : AudioVideoMuxer.cut(block, takenUntilUs, block.endUs() + 1_000_000L);
    if (kept == null) {
      return block.frames();
    }
    pending.add(kept);
    return block.frames() - kept.frames();
  }

  /**
   * Whether the audio's format is known (a block arrived).
   *
   * @return true once a block was added
   */
  public boolean formatKnown() {
    return sampleRate != 0;
  }

  /**
   * Takes the next span. Spans must follow each other: {@code fromUs} is the previous span's
   * {@code toUs}, or anything for the first.
   *
   * @param fromUs start of the span, stream time in microseconds
   * @param toUs end of the span, after {@code fromUs}
   * @return the span's audio
   * @throws IllegalArgumentException if the span does not follow the previous one
   */
  public Span take(long fromUs, long toUs) {
    if (toUs <= fromUs || (originUs != null && fromUs != takenUntilUs)) {
      throw new IllegalArgumentException("span [" + fromUs + ", " + toUs + ") does not follow "
          + (originUs == null ? "nothing" : "the previous span, which ended at " + takenUntilUs));
    }
    if (originUs == null) {
      originUs = fromUs;
    }
    int rate = formatKnown() ? sampleRate : FALLBACK_RATE;
    int ch = formatKnown() ? channels : 1;
    long first = frameAt(fromUs, rate);
    long end = frameAt(toUs, rate);
    float[] samples = new float[Math.toIntExact((end - first) * ch)];
    boolean[] covered = new boolean[(int) (end - first)];
    for (Iterator<AudioBlock> it = pending.iterator(); it.hasNext(); ) {
      AudioBlock block = it.next();
      long blockFirst = Math.round((block.ptsUs() - originUs) * (double) rate / 1e6);
      long from = Math.max(first, blockFirst);
      long to = Math.min(end, blockFirst + block.frames());
      for (long f = from; f < to; f++) {
        System.arraycopy(block.samples(), (int) (f - blockFirst) * ch, samples,
            (int) (f - first) * ch, ch);
        covered[(int) (f - first)] = true;
      }
      if (blockFirst + block.frames() <= end) {
        it.remove();
      }
    }
    long missing = 0;
    for (boolean c : covered) {
      if (!c) {
        missing++;
      }
    }
    takenUntilUs = toUs;
    return new Span(new AudioBlock(fromUs, rate, ch, samples), first, missing);
  }

  private long frameAt(long us, int rate) {
    return Math.floorDiv((us - originUs) * rate, 1_000_000L);
  }
}
