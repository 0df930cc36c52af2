package io.foleystream.media;

import io.foleystream.config.ConfigException;
import io.foleystream.config.ConfigKeys;
import io.foleystream.config.FoleystreamConfig;

/**
 * Limits and tolerances of chunk decoding, which bound memory and time per chunk whatever the
 * input, and the choices that decide which pixels and which frames reach the models.
 *
 * @param maxFrameWidth frames wider than this are scaled down by GStreamer (aspect kept) before
 *     they reach Java; such frames no longer match the reference decoder bit for bit
 * @param maxFrameHeight frames taller than this are scaled down likewise
 * @param maxSourcePixels a stream whose header declares a picture of more pixels (width x height)
 *     fails with {@link MediaException.Reason#TOO_LARGE} before a decoder is plugged; unlike the
 *     frame size above, which only scales frames the decoder has already produced at full size,
 *     this bounds the decoder's own memory and time
 * @param maxFramesPerChunk a chunk that decodes to more frames fails with {@link
 *     MediaException.Reason#TOO_LARGE}
 * @param maxChunkBytes a larger chunk is refused before decoding ({@link
 *     MediaException.Reason#TOO_LARGE})
 * @param stallTimeoutMs decoding fails with {@link MediaException.Reason#STALLED} when GStreamer
 *     delivers neither a frame nor the end of the chunk for this long
 * @param timingToleranceUs slack for the timestamp checks: frames may lie this far outside the
 *     declared range, and the decoded frames must reach to within this of the declared end
 * @param colour how YUV becomes RGB
 * @param grid how grid times are computed
 * @param decoder which H.264 / H.265 decoder is used
 * @param threads how many threads a libav decoder gets
 */
public record DecoderSettings(int maxFrameWidth, int maxFrameHeight, long maxSourcePixels,
    int maxFramesPerChunk, long maxChunkBytes, long stallTimeoutMs, long timingToleranceUs, ColourConversion colour,
    GridRule grid, DecoderChoice decoder, DecoderThreads threads) {

  /**
   * The largest picture H.264 and H.265 allow at any level (level 6.2: 139,264 macroblocks of
   * 16 x 16, 8192 x 4352), so no conforming 8K source is refused.
   */
  public static final long DEFAULT_MAX_SOURCE_PIXELS = 139_264L * 256;

  /**
   * Validates the values.
   *
   * @throws IllegalArgumentException if one is not positive or a choice is missing
   */
  public DecoderSettings {
    if (maxFrameWidth < 16 || maxFrameHeight < 16 || maxSourcePixels < 256
        || maxFramesPerChunk < 1 || maxChunkBytes < 1 || stallTimeoutMs < 1
        || timingToleranceUs < 0) {
      throw new IllegalArgumentException("decoder limits must be positive: " + maxFrameWidth + "x"
          + maxFrameHeight + ", " + maxSourcePixels + " source pixels, " + maxFramesPerChunk + " frames, " + maxChunkBytes + " bytes, "
          + stallTimeoutMs + " ms, " + timingToleranceUs + " us");
    }
    if (colour == null || grid == null || decoder == null || threads == null) {
      throw new IllegalArgumentException("colour conversion, grid rule, decoder and decoder"
          + " threads are required");
    }
  }

  /**
   * These limits with the default source size limit ({@link #DEFAULT_MAX_SOURCE_PIXELS}) and the
   * default choices: official colour conversion, exact grid, automatic decoder.
   *
   * @param maxFrameWidth see the record
   * @param maxFrameHeight see the record
   * @param maxFramesPerChunk see the record
   * @param maxChunkBytes see the record
   * @param stallTimeoutMs see the record
   * @param timingToleranceUs see the record
   */
  public DecoderSettings(int maxFrameWidth, int maxFrameHeight, int maxFramesPerChunk,
      long maxChunkBytes, long stallTimeoutMs, long timingToleranceUs) {
    this(maxFrameWidth, maxFrameHeight, DEFAULT_MAX_SOURCE_PIXELS, maxFramesPerChunk,
        maxChunkBytes, stallTimeoutMs, timingToleranceUs, ColourConversion.OFFICIAL,
        GridRule.EXACT, DecoderChoice.AUTO, DecoderThreads.AUTO);
  }

  /**
   * Defaults: frames up to 1920 x 1920 (1080p in either orientation) pass unscaled, sources up
   * to {@link #DEFAULT_MAX_SOURCE_PIXELS} pixels are decoded, 3600 frames
   * (a minute at 60 fps) and 256 MiB per chunk, 10 s stall timeout, 250 ms timing tolerance,
   * official colour conversion, exact grid, automatic decoder.
   *
   * @return the defaults
   */
  public static DecoderSettings defaults() {
    return new DecoderSettings(1920, 1920, 3600, 256L << 20, 10_000, 250_000);
  }

  /**
   * The defaults with the choices of {@link ConfigKeys#MEDIA_COLOUR}, {@link
   * ConfigKeys#MEDIA_GRID}, {@link ConfigKeys#MEDIA_DECODER} and {@link
   * ConfigKeys#MEDIA_DECODER_THREADS}.
   *
   * @param config the configuration
   * @return the settings
   * @throws io.foleystream.config.ConfigException if a value is not one of the key's choices
   */
  public static DecoderSettings from(FoleystreamConfig config) {
    return defaults()
        .withColour(config.enumValue(ConfigKeys.MEDIA_COLOUR, ColourConversion.class))
        .withGrid(config.enumValue(ConfigKeys.MEDIA_GRID, GridRule.class))
        .withDecoder(config.enumValue(ConfigKeys.MEDIA_DECODER, DecoderChoice.class))
        .withThreads(threads(config));
  }

  /**
   * A copy with another colour conversion.
   *
   * @param value the conversion
   * @return the copy
   */
  public DecoderSettings withColour(ColourConversion value) {
    return new DecoderSettings(maxFrameWidth, maxFrameHeight, maxSourcePixels, maxFramesPerChunk,
        maxChunkBytes, stallTimeoutMs, timingToleranceUs, value, grid, decoder,
        threads);
  }

  /**
   * A copy with another grid rule.
   *
   * @param value the rule
   * @return the copy
   */
  public DecoderSettings withGrid(GridRule value) {
    return new DecoderSettings(maxFrameWidth, maxFrameHeight, maxSourcePixels, maxFramesPerChunk,
        maxChunkBytes, stallTimeoutMs, timingToleranceUs, colour, value, decoder,
        threads);
  }

  /**
   * A copy with another decoder choice.
   *
   * @param value the choice
   * @return the copy
   */
  public DecoderSettings withDecoder(DecoderChoice value) {
    return new DecoderSettings(maxFrameWidth, maxFrameHeight, maxSourcePixels, maxFramesPerChunk,
        maxChunkBytes, stallTimeoutMs, timingToleranceUs, colour, grid, value,
        threads);
  }

  /**
   * A copy with another number of libav decoder threads.
   *
   * @param value the choice
   * @return the copy
   */
  public DecoderSettings withThreads(DecoderThreads value) {
    return new DecoderSettings(maxFrameWidth, maxFrameHeight, maxSourcePixels, maxFramesPerChunk,
        maxChunkBytes, stallTimeoutMs, timingToleranceUs, colour, grid, decoder, value);
  }

  /**
   * A copy with another source size limit.
   *
   * @param value the most pixels (width x height) a stream's header may declare
   * @return the copy
   */
  public DecoderSettings withMaxSourcePixels(long value) {
    return new DecoderSettings(maxFrameWidth, maxFrameHeight, value, maxFramesPerChunk,
        maxChunkBytes, stallTimeoutMs, timingToleranceUs, colour, grid, decoder,
        threads);
  }

  /**
   * A copy without the per-chunk frame limit, for whole files.
   *
   * @return the copy
   */
  DecoderSettings withoutFrameLimit() {
    return new DecoderSettings(maxFrameWidth, maxFrameHeight, maxSourcePixels, Integer.MAX_VALUE,
        maxChunkBytes, stallTimeoutMs, timingToleranceUs, colour, grid, decoder,
        threads);
  }

  private static DecoderThreads threads(FoleystreamConfig config) {
    String value = config.string(ConfigKeys.MEDIA_DECODER_THREADS);
    try {
      return DecoderThreads.parse(value);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(ConfigKeys.MEDIA_DECODER_THREADS.name()
          + ": " + e.getMessage(), e);
    }
  }
}
