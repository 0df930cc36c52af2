package io.foleystream.media;

/**
 * The video input of one window for both model branches.
 *
 * @param clip CLIP frames at 8 fps, {@code [64, 3, 384, 384]} for 8 s, CLIP mean/std normalised
 * @param sync Synchformer frames at 25 fps, {@code [200, 3, 224, 224]} for 8 s, in [-1, 1]
 */
public record WindowFrames(SampledFrames clip, SampledFrames sync) {

  /**
   * Whether both grids were fully served by decoded frames.
   *
   * @return true if neither branch has uncovered grid points
   */
  public boolean complete() {
    return clip.complete() && sync.complete();
  }
}
