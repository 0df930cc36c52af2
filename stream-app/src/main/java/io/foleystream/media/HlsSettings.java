package io.foleystream.media;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where and how a live HLS output is written.
 *
 * @param directory the directory of the playlist and its segments
 * @param targetSegmentSeconds segment length aimed at; a segment is cut at the first video
 *     keyframe at or after it, so segments are this long only when keyframes fall there
 * @param playlistLength segments listed in the rolling playlist
 * @param keptSegments segments kept on disk (older ones are deleted), at least the playlist's
 *     length so that a player reading the playlist finds every segment it lists
 * @param originalAudioGain gain of the video's own audio mixed under the generated audio, or
 *     null to drop the video's own audio
 */
public record HlsSettings(Path directory, int targetSegmentSeconds, int playlistLength,
    int keptSegments, Double originalAudioGain) {

  /** Name of the media playlist in {@link #directory}. */
  public static final String PLAYLIST = "playlist.m3u8";

  /**
   * Validates the settings.
   *
   * @throws IllegalArgumentException if a count or length is not positive, fewer segments are
   *     kept than listed, or the gain is negative
   */
  public HlsSettings {
    Objects.requireNonNull(directory, "directory");
    if (targetSegmentSeconds < 1 || playlistLength < 1 || keptSegments < playlistLength) {
      throw new IllegalArgumentException("HLS output needs a segment length of at least 1 s and"
          + " at least as many kept segments as listed: " + targetSegmentSeconds + " s, "
          + playlistLength + " listed, " + keptSegments + " kept");
    }
    if (originalAudioGain != null && !(originalAudioGain >= 0)) {
      throw new IllegalArgumentException("original audio gain must be at least 0, got "
          + originalAudioGain);
    }
  }

  /**
   * The playlist's path.
   *
   * @return {@code directory/playlist.m3u8}
   */
  public Path playlist() {
    return directory.resolve(PLAYLIST);
  }
}
