package io.foleystream.inference;

/**
 * A window's visual features, as the CLIP image tower and Synchformer produce them (or as a
 * reference run saved them).
 *
 * @param clip {@code clip_len * clip_dim} floats, C order
 * @param sync {@code sync_len * sync_dim} floats, C order
 */
public record VideoFeatures(float[] clip, float[] sync) {

  /**
   * @throws NullPointerException if either array is missing
   */
  public VideoFeatures {
    java.util.Objects.requireNonNull(clip, "clip features");
    java.util.Objects.requireNonNull(sync, "sync features");
  }
}
