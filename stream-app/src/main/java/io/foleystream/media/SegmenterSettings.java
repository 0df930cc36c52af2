package io.foleystream.media;

/**
 * How {@link ChunkSegmenter} cuts and encodes.
 *
 * @param chunkDurationUs longest chunk: a chunk ends at the last keyframe before it would grow
 *     longer (when copying, a source keyframe interval longer than this makes longer chunks)
 * @param reencode when to re-encode instead of copying the compressed video
 * @param bitrateKbps H.264 bitrate when re-encoding
 */
public record SegmenterSettings(long chunkDurationUs, Reencode reencode, int bitrateKbps) {

  /** When the segmenter re-encodes. */
  public enum Reencode {
    /**
     * Copy H.264 and H.265 (cut at the source's keyframes, so chunk lengths follow its keyframe
     * interval); decode and encode everything else to H.264.
     */
    AUTO,
    /** Always decode and encode to H.264 with keyframes at the chunk boundaries. */
    ALWAYS
  }

  /**
   * Validates the fields.
   *
   * @throws IllegalArgumentException if the duration or bitrate is not positive
   */
  public SegmenterSettings {
    if (chunkDurationUs <= 0 || bitrateKbps <= 0 || reencode == null) {
      throw new IllegalArgumentException("bad segmenter settings: " + chunkDurationUs + " us, "
          + reencode + ", " + bitrateKbps + " kbit/s");
    }
  }

  /**
   * Two-second chunks, copying H.264/H.265, 4000 kbit/s when encoding.
   *
   * @return the defaults
   */
  public static SegmenterSettings defaults() {
    return new SegmenterSettings(2_000_000L, Reencode.AUTO, 4000);
  }
}
