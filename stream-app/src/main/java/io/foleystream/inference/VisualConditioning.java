package io.foleystream.inference;

/**
 * The official input modes other than a video, as the visual features of one window: each puts
 * the set's learned empty features where the official {@code generate()} passes none.
 *
 * <ul>
 *   <li>{@link #maskAwayClip}: {@code --mask_away_clip}; the CLIP rows are the learned empty CLIP
 *       feature, the sync rows are kept.
 *   <li>{@link #stillImage}: {@code image_input=True}; one image's CLIP feature on every CLIP
 *       row, the learned empty sync feature on every sync row.
 * </ul>
 *
 * Text-to-audio needs no features at all: a window without video features (null) uses the learned
 * empty features on both rows already.
 */
public final class VisualConditioning {

  private VisualConditioning() {}

  /**
   * A window's features with the CLIP part masked away.
   *
   * @param set the model set (its learned empty CLIP feature)
   * @param sequence the window's geometry
   * @param video the video's features
   * @return the same sync features, the empty CLIP feature on every CLIP row
   * @throws InvalidInputException if the features do not fit the geometry
   */
  public static VideoFeatures maskAwayClip(ModelSet set, SequenceConfig sequence,
      VideoFeatures video) {
    FeatureChecks.requireSize(video.sync(), sequence.syncLen(), sequence.syncDim(),
        "sync features");
    return new VideoFeatures(repeatRow(set.emptyClipFeature(), sequence.clipLen()),
        video.sync().clone());
  }

  /**
   * The features of a still image.
   *
   * @param set the model set (its learned empty sync feature)
   * @param sequence the window's geometry
   * @param clipFeature the image's CLIP feature, one row of {@code clip_dim} floats
   * @return the image feature on every CLIP row, the empty sync feature on every sync row
   * @throws InvalidInputException if the feature is not one row of the set's CLIP width
   */
  public static VideoFeatures stillImage(ModelSet set, SequenceConfig sequence,
      float[] clipFeature) {
    FeatureChecks.requireSize(clipFeature, 1, sequence.clipDim(), "image CLIP feature");
    return new VideoFeatures(repeatRow(clipFeature, sequence.clipLen()),
        repeatRow(set.emptySyncFeature(), sequence.syncLen()));
  }

  private static float[] repeatRow(float[] row, int times) {
    float[] out = new float[row.length * times];
    for (int i = 0; i < times; i++) {
      System.arraycopy(row, 0, out, i * row.length, row.length);
    }
    return out;
  }
}
