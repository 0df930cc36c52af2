package io.foleystream.media;

/**
 * How many threads a libav (software) video decoder gets: a trade between CPU per window and the
 * time one chunk takes to decode. libav's frame threading decodes a chunk sooner on an idle
 * many-core host but costs more CPU per frame (threads restarted with every chunk, frames handed
 * between them); one thread per decoder is the cheapest when many streams keep every core busy.
 *
 * @param count the decoder's {@code max-threads}: 0 for libav's own choice (a thread per core),
 *     a positive number for at most that many, or -1 for {@link #AUTO}
 */
public record DecoderThreads(int count) {

  /**
   * The default: one thread for sources up to 1920 x 1088 (a 1080p chunk decodes faster than
   * real time on one core), libav's own choice above, so that larger sources keep up.
   */
  public static final DecoderThreads AUTO = new DecoderThreads(-1);
  /** libav's own choice for every source. */
  public static final DecoderThreads LIBAV = new DecoderThreads(0);

  /**
   * Sources up to this many pixels (1080p) get one thread under {@link #AUTO}. One thread decodes
   * 1080p H.264 several times faster than real time and costs less CPU than libav's frame
   * threading (one thread per core plus one, handing frames to each other and started anew with
   * every chunk): 0.5 to 0.6 CPU-s less per 8 s window of 1080p30 from 2 s chunks. The decoder
   * still runs beside the thread that preprocesses. Larger sources keep libav's threads, which a
   * 4K stream needs to keep up.
   */
  static final long AUTO_SINGLE_THREAD_MAX_PIXELS = 1920L * 1088;

  /**
   * @throws IllegalArgumentException if the count is below -1
   */
  public DecoderThreads {
    if (count < -1) {
      throw new IllegalArgumentException("decoder threads must be auto, libav or a positive"
          + " number, not " + count);
    }
  }

  /**
   * Parses a configuration value.
   *
   * @param value {@code auto}, {@code libav} or a positive whole number
   * @return the choice
   * @throws IllegalArgumentException if the value is none of these
   */
  public static DecoderThreads parse(String value) {
    String v = value.trim();
    if (v.equals("auto")) {
      return AUTO;
    }
    if (v.equals("libav")) {
      return LIBAV;
    }
    try {
      int n = Integer.parseInt(v);
      if (n >= 1) {
        return new DecoderThreads(n);
      }
    } catch (NumberFormatException e) {
      // Reported below with the accepted values.
    }
    throw new IllegalArgumentException("decoder threads must be auto, libav or a positive"
        + " number, not '" + value + "'");
  }

  /**
   * The {@code max-threads} to give a libav decoder of a source.
   *
   * @param sourcePixels the source's width x height, or 0 if unknown
   * @return the value to set, or -1 to leave libav's default
   */
  int maxThreadsFor(long sourcePixels) {
    if (count >= 0) {
      return count == 0 ? -1 : count;
    }
    return sourcePixels > 0 && sourcePixels <= AUTO_SINGLE_THREAD_MAX_PIXELS ? 1 : -1;
  }
}
