package io.foleystream.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A frame's CLIP feature and a segment's Synchformer features are the same bit for bit whatever
 * batch they are encoded in, a batch of one included, so that cached features equal features
 * recomputed after a restart.
 */
class EncoderBatchInvarianceTest {

  private static FoleyEngine engine;
  private static SequenceConfig s;

  @BeforeAll
  static void open() {
    engine = FoleyEngine.open(TinyModelSet.DIRECTORY, RuntimeOptions.defaults()
        .withThreads(2, 1));
    s = engine.modelSet().sequence();
  }

  @AfterAll
  static void close() {
    engine.close();
  }

  @Test
  void aClipFrameAloneEqualsTheSameFrameInABatch() {
    long[] pts = SourceFrames.pts(0, 3, 125_000);
    ClipImageEncoder clip = engine.clipImageEncoder();
    float[] together = clip.encode(SourceFrames.of(s.clipImageSize(), pts), pts.length);
    float[] lastTwo = clip.encode(SourceFrames.of(s.clipImageSize(), pts[1], pts[2]), 2);
    for (int i = 0; i < pts.length; i++) {
      float[] alone = clip.encode(SourceFrames.of(s.clipImageSize(), pts[i]), 1);
      assertArrayEquals(row(together, i, s.clipDim()), alone, "frame " + i + " alone");
      if (i > 0) {
        assertArrayEquals(row(together, i, s.clipDim()), row(lastTwo, i - 1, s.clipDim()),
            "frame " + i + " in a pair");
      }
    }
  }

  @Test
  void aSynchformerSegmentAloneEqualsTheSameSegmentAmongOthers() {
    SynchformerEncoder sync = engine.synchformerEncoder();
    int frames = s.syncSegmentFrames() + 2 * s.syncSegmentStep();
    long[] pts = SourceFrames.pts(0, frames, 40_000);
    int segmentFloats = SequenceConfig.SYNC_TOKENS_PER_SEGMENT * s.syncDim();
    float[] together = sync.encode(SourceFrames.of(s.syncImageSize(), pts), frames);
    for (int seg = 0; seg < sync.segments(frames); seg++) {
      long[] own = Arrays.copyOfRange(pts, seg * s.syncSegmentStep(),
          seg * s.syncSegmentStep() + s.syncSegmentFrames());
      FloatBuffer segment = SourceFrames.of(s.syncImageSize(), own);
      assertArrayEquals(row(together, seg, segmentFloats), sync.encode(segment,
          own.length), "segment " + seg + " alone");
      assertArrayEquals(row(together, seg, segmentFloats), sync.encodeSegments(
          segment.rewind(), 1), "segment " + seg + " given as a segment");
    }
  }

  private static float[] row(float[] values, int index, int width) {
    return Arrays.copyOfRange(values, index * width, (index + 1) * width);
  }
}
