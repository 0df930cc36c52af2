package io.foleystream.inference;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * Synchformer features of 25 fps frames ({@code [F, 3, 224, 224]} in [-1, 1]): overlapping
 * 16-frame segments starting every 8 frames, run through {@code synchformer} a batch of segments
 * at a time, 8 feature rows per segment (200 frames, 24 segments, 192 rows for 8 s).
 *
 * <p>A segment's features are the same bit for bit whatever segments it is encoded with (a lone
 * segment runs as two identical rows, as {@link ClipImageEncoder} explains), so they can be
 * cached per segment and recomputed after a restart.
 */
public final class SynchformerEncoder {

  private final OnnxModel model;
  private final OrtEnvironment environment;
  private final int side;
  private final int segmentFrames;
  private final int segmentStep;
  private final int featureDim;
  private final int batchSize;

  SynchformerEncoder(OnnxModel model, OrtEnvironment environment, SequenceConfig sequence,
      int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be positive: " + batchSize);
    }
    this.model = model;
    this.environment = environment;
    this.side = sequence.syncImageSize();
    this.segmentFrames = sequence.syncSegmentFrames();
    this.segmentStep = sequence.syncSegmentStep();
    this.featureDim = sequence.syncDim();
    this.batchSize = batchSize;
  }

  /**
   * The number of segments in a run of frames.
   *
   * @param frameCount frames
   * @return (frameCount - 16) / 8 + 1, or 0 for fewer than 16 frames
   */
  public int segments(int frameCount) {
    return frameCount < segmentFrames ? 0 : (frameCount - segmentFrames) / segmentStep + 1;
  }

  /**
   * Encodes frames.
   *
   * @param frames {@code frameCount * 3 * 224 * 224} floats from position to limit, C order
   * @param frameCount number of frames, at least one segment's worth
   * @return {@code segments * 8 * sync_dim} floats
   * @throws InvalidInputException if the buffer does not hold the frames, holds NaN or infinite
   *     values, or is shorter than one segment
   */
  public float[] encode(FloatBuffer frames, int frameCount) {
    int frameSize = 3 * side * side;
    String what = "Synchformer frames [" + frameCount + ", 3, " + side + ", " + side + "]";
    FrameChecks.requireFrames(frames, frameCount, frameSize, what);
    int segments = segments(frameCount);
    if (segments == 0) {
      throw new InvalidInputException(what + ": fewer frames than one segment of "
          + segmentFrames);
    }
    return encodeAt(frames, segments, segmentStep);
  }

  /**
   * Encodes segments given one after the other, each its own 16 frames (not overlapping), e.g.
   * the segments of a window that a cache does not hold yet.
   *
   * @param segments {@code count * 16 * 3 * 224 * 224} floats from position to limit, C order
   * @param count number of segments, at least one
   * @return {@code count * 8 * sync_dim} floats, the same as {@link #encode} gives for each
   *     segment
   * @throws InvalidInputException if the buffer does not hold the segments or holds NaN or
   *     infinite values
   */
  public float[] encodeSegments(FloatBuffer segments, int count) {
    int frameSize = 3 * side * side;
    FrameChecks.requireFrames(segments, count, segmentFrames * frameSize, "Synchformer segments ["
        + count + ", " + segmentFrames + ", 3, " + side + ", " + side + "]");
    return encodeAt(segments, count, segmentFrames);
  }

  /** Encodes the segments starting every {@code stride} frames. */
  private float[] encodeAt(FloatBuffer frames, int segments, int stride) {
    int frameSize = 3 * side * side;
    int rowsPerSegment = SequenceConfig.SYNC_TOKENS_PER_SEGMENT;
    float[] features = new float[segments * rowsPerSegment * featureDim];
    int segmentSize = segmentFrames * frameSize;
    FloatBuffer batch = Tensors.directFloats(Math.max(2, Math.min(batchSize, segments))
        * segmentSize);
    int base = frames.position();
    for (int start = 0; start < segments; start += batchSize) {
      int n = Math.min(batchSize, segments - start);
      int rows = Math.max(2, n);
      batch.clear();
      for (int s = 0; s < rows; s++) {
        batch.put(frames.slice(base + (start + Math.min(s, n - 1)) * stride * frameSize,
            segmentSize));
      }
      batch.flip();
      try (OnnxTensor input = Tensors.floats(environment, batch, rows, segmentFrames, 3, side,
          side);
          OrtSession.Result result = model.run(
              Map.of(ModelGraph.SYNCHFORMER.inputName(0), input))) {
        float[] out = Tensors.toArray(result.get(0), ModelGraph.SYNCHFORMER.outputLabel(0));
        int rowFloats = rowsPerSegment * featureDim;
        System.arraycopy(out, 0, features, start * rowFloats, n * rowFloats);
      }
    }
    return features;
  }
}
