package io.foleystream.media;

/**
 * What a caller already has of a window's frames, so that decoding can leave them out: the
 * caller's features of source frames it encoded for earlier, overlapping windows of the stream.
 */
public interface KnownFrames {

  /**
   * Whether the CLIP branch needs no pixels of the source frame at this time.
   *
   * @param ptsUs the source frame's presentation time on the stream timeline
   * @return true if the frame's CLIP feature is known
   */
  boolean clipFrameKnown(long ptsUs);

  /**
   * Which 25 fps grid points need pixels, given the source frame each point takes.
   *
   * @param sourcePtsUs the source frame of each grid point, {@link SampledFrames#NO_FRAME} where
   *     it is not known yet
   * @return one flag per grid point, true where the point's pixels are needed
   */
  boolean[] syncFramesNeeded(long[] sourcePtsUs);
}
