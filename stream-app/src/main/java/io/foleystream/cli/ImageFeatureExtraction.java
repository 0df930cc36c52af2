package io.foleystream.cli;

import io.foleystream.inference.FoleyEngine;
import io.foleystream.inference.SequenceConfig;
import io.foleystream.inference.VideoFeatures;
import io.foleystream.inference.VisualConditioning;
import io.foleystream.media.FramePreprocessor;
import io.foleystream.media.MediaException;
import io.foleystream.media.RgbFrame;
import io.foleystream.media.StillImage;
import java.nio.FloatBuffer;
import java.nio.file.Path;

/**
 * A still image as a window's features, MMAudio's image mode: the image through the CLIP frame
 * transform and the CLIP image tower once, its feature on every CLIP row, the learned empty sync
 * feature on every sync row.
 */
final class ImageFeatureExtraction {

  private ImageFeatureExtraction() {}

  /**
   * Reads an image and turns it into a window's features.
   *
   * @param image the image file
   * @param engine the engine (its CLIP image tower and learned empty features)
   * @param sequence the window's geometry
   * @param timings receives the read and extraction times
   * @return the features
   * @throws MediaException if the image cannot be read
   * @throws IllegalArgumentException if the CLIP transform does not fit the model set
   */
  static VideoFeatures features(Path image, FoleyEngine engine, SequenceConfig sequence,
      StageTimings timings) throws MediaException {
    FramePreprocessor clip = FramePreprocessor.clip();
    if (clip.size() != sequence.clipImageSize()) {
      throw new IllegalArgumentException("CLIP frames are " + clip.size() + " px from the media "
          + "package, the model set needs " + sequence.clipImageSize() + " px");
    }
    long start = System.nanoTime();
    RgbFrame frame = StillImage.read(image);
    float[] pixels = new float[clip.floatsPerFrame()];
    clip.preprocess(frame, pixels, 0);
    timings.add("read image", System.nanoTime() - start);
    start = System.nanoTime();
    float[] feature = engine.clipImageEncoder().encode(FloatBuffer.wrap(pixels), 1);
    timings.add("clip features", System.nanoTime() - start);
    return VisualConditioning.stillImage(engine.modelSet(), sequence, feature);
  }
}
