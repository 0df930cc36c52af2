package io.foleystream.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * CLIP image features of preprocessed 8 fps frames ({@code [N, 3, size, size]}, resized and
 * normalised with CLIP's mean and std by the media package), run through {@code clip_image} a
 * batch at a time so that a window's 64 frames never sit in one large tensor.
 *
 * <p>A frame's feature is the same bit for bit whatever frames it is encoded with, so features
 * can be cached per frame and recomputed after a restart: ONNX Runtime's CPU kernels give the
 * same rows for any batch of two or more rows but take other code paths for a single row, so a
 * lone frame runs as two identical rows.
 */
public final class ClipImageEncoder {

  private final OnnxModel model;
  private final OrtEnvironment environment;
  private final int side;
  private final int featureDim;
  private final int batchSize;

  ClipImageEncoder(OnnxModel model, OrtEnvironment environment, SequenceConfig sequence,
      int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be positive: " + batchSize);
    }
    this.model = model;
    this.environment = environment;
    this.side = sequence.clipImageSize();
    this.featureDim = sequence.clipDim();
    this.batchSize = batchSize;
  }

  /**
   * Encodes frames.
   *
   * @param frames {@code count * 3 * size * size} floats from position to limit, C order; a
   *     native-order direct buffer is used without copying
   * @param count number of frames
   * @return {@code count * clip_dim} floats, one L2-normalised feature per frame
   * @throws InvalidInputException if the buffer does not hold count frames or holds NaN or
   *     infinite values
   */
  public float[] encode(FloatBuffer frames, int count) {
    int frameSize = 3 * side * side;
    FrameChecks.requireFrames(frames, count, frameSize, "CLIP frames [" + count + ", 3, " + side
        + ", " + side + "]");
    float[] features = new float[count * featureDim];
    int base = frames.position();
    for (int start = 0; start < count; start += batchSize) {
      int n = Math.min(batchSize, count - start);
      FloatBuffer batch = frames.slice(base + start * frameSize, n * frameSize);
      int rows = n;
      if (n == 1) {
        batch = Tensors.repeated(batch, 2);
        rows = 2;
      }
      try (OnnxTensor input = Tensors.floats(environment, batch, rows, 3, side, side);
          OrtSession.Result result = model.run(Map.of(ModelGraph.CLIP_IMAGE.inputName(0), input))) {
        float[] out = Tensors.toArray(result.get(0), ModelGraph.CLIP_IMAGE.outputLabel(0));
        System.arraycopy(out, 0, features, start * featureDim, n * featureDim);
      }
    }
    return features;
  }
}
