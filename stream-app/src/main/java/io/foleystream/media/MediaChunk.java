package io.foleystream.media;

import java.util.Objects;

/**
 * One self-contained piece of a video stream: the container bytes and where they lie on the
 * stream timeline.
 *
 * <p>{@code startUs} is the presentation time of the chunk's first frame (the earliest in
 * presentation order); a decoder places every frame at {@code startUs} plus its offset from that
 * first frame, because demuxers rebase the container's own timestamps per chunk. {@code
 * durationUs} reaches to the next chunk's start.
 *
 * @param bytes the container bytes (not copied; do not modify them while the chunk is in use)
 * @param container the container the bytes are in
 * @param startUs presentation time of the first frame on the stream timeline, microseconds
 * @param durationUs time covered by the chunk, microseconds, positive
 */
public record MediaChunk(byte[] bytes, ContainerType container, long startUs, long durationUs) {

  /**
   * Validates the fields.
   *
   * @throws IllegalArgumentException if the duration is not positive
   */
  public MediaChunk {
    Objects.requireNonNull(bytes, "bytes");
    Objects.requireNonNull(container, "container");
    if (durationUs <= 0) {
      throw new IllegalArgumentException("chunk duration must be positive, got " + durationUs);
    }
  }

  /**
   * Where the chunk ends on the stream timeline.
   *
   * @return {@code startUs + durationUs}
   */
  public long endUs() {
    return startUs + durationUs;
  }

  @Override
  public String toString() {
    return container + " chunk [" + startUs + ", " + endUs() + ") us, " + bytes.length + " bytes";
  }
}
