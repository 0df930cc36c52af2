package io.foleystream.topology.generator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.foleystream.inference.FoleyEngine;
import io.foleystream.inference.GenerationListener;
import io.foleystream.inference.InitialNoise;
import io.foleystream.inference.RuntimeOptions;
import io.foleystream.inference.VideoFeatures;
import io.foleystream.inference.VisualConditioning;
import io.foleystream.inference.WindowInput;
import io.foleystream.media.ChunkSegmenter;
import io.foleystream.media.DecoderSettings;
import io.foleystream.media.MediaChunk;
import io.foleystream.media.SegmenterSettings;
import io.foleystream.media.VideoSource;
import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.GapPolicy;
import io.foleystream.schemas.GenerationSettings;
import io.foleystream.schemas.SampleEncoding;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.WindowCompletion;
import io.foleystream.schemas.WindowTask;
import io.foleystream.topology.operations.PipelineMetrics;
import io.foleystream.topology.records.PayloadFetcher;
import io.foleystream.topology.records.ReferencePolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A stream that masks away CLIP gets exactly the engine's audio for its window's features with
 * the CLIP rows replaced by the learned empty feature, as MMAudio's {@code --mask_away_clip}.
 */
class MaskAwayClipTest {

  private static final long S = 1_000_000L;
  private static FoleyEngine engine;
  private static WindowFeaturizer featurizer;
  private static List<VideoChunk> chunks;

  @BeforeAll
  static void open() throws Exception {
    engine = FoleyEngine.open(Path.of("../onnx-models/fixtures/tiny/model-set"),
        RuntimeOptions.defaults().withThreads(1, 1));
    featurizer = new WindowFeaturizer(engine, new PayloadFetcher(ReferencePolicy.defaults()),
        DecoderSettings.defaults());
    List<MediaChunk> clip = new ArrayList<>();
    new ChunkSegmenter(new SegmenterSettings(2 * S, SegmenterSettings.Reencode.AUTO, 300))
        .run(new VideoSource.TestPattern(160, 120, 25, 8 * S, false), clip::add);
    chunks = new ArrayList<>();
    for (int i = 0; i < clip.size(); i++) {
      MediaChunk c = clip.get(i);
      chunks.add(VideoChunk.newBuilder().setStreamId("s").setSequence(i)
          .setPtsStartMicros(c.startUs()).setDurationMicros(c.durationUs())
          .setMediaType("video/mp2t").setPayload(ByteBuffer.wrap(c.bytes()))
          .setEndOfStream(false).build());
    }
  }

  @AfterAll
  static void close() {
    featurizer.close();
    engine.close();
  }

  private static WindowTask task(boolean maskAwayClip) {
    return WindowTask.newBuilder().setStreamId("s").setWindowIndex(0)
        .setWindowStartMicros(chunks.get(0).getPtsStartMicros()).setWindowDurationMicros(8 * S)
        .setHopMicros(8 * S).setGeneration(new GenerationSettings("rain", "", 42L, 2, 4.5, null,
            maskAwayClip)).setChunks(chunks).setCoveredMicros(8 * S)
        .setCompletion(WindowCompletion.COMPLETE).setGapPolicy(GapPolicy.NONE).build();
  }

  private static float[] published(WindowTask task) throws Exception {
    WindowBatchGenerator generator = new WindowBatchGenerator(engine, featurizer,
        new AudioChunker(SampleEncoding.PCM_F32LE, 0, 0, engine.samplesPerLatentFrame()),
        new PipelineMetrics(new SimpleMeterRegistry()));
    GenerationStep.Outcome outcome = generator.generate(List.of(task), t -> null, t -> false)
        .get(0);
    assertNull(outcome.failure());
    FloatAccumulator out = new FloatAccumulator();
    for (AudioChunk c : outcome.audio()) {
      out.add(c.getPayload());
    }
    return out.floats();
  }

  @Test
  void aMaskedStreamHearsOnlyTheSynchronisationFeatures() throws Exception {
    WindowTask masked = task(true);
    VideoFeatures video = featurizer.featurize(masked).features();
    VideoFeatures expectedFeatures = VisualConditioning.maskAwayClip(engine.modelSet(),
        engine.modelSet().sequence(), video);
    float[] expected = engine.generate(List.of(new WindowInput(expectedFeatures, "rain", null,
        new InitialNoise.Seeded(WindowSeeds.derive(42L, "s", 0)))),
        new io.foleystream.inference.GenerationSettings(2, 4.5), GenerationListener.NONE)
        .get(0);
    float[] maskedAudio = published(masked);
    assertArrayEquals(expected, maskedAudio, "the engine's bits for the masked features");
    assertFalse(Arrays.equals(maskedAudio, published(task(false))),
        "the CLIP features matter on this set: masking them changes the audio");
  }

  /** Concatenates little-endian float payloads. */
  private static final class FloatAccumulator {
    private final List<float[]> parts = new ArrayList<>();

    void add(ByteBuffer payload) {
      float[] part = new float[payload.remaining() / 4];
      payload.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(part);
      parts.add(part);
    }

    float[] floats() {
      int n = parts.stream().mapToInt(p -> p.length).sum();
      float[] all = new float[n];
      int at = 0;
      for (float[] p : parts) {
        System.arraycopy(p, 0, all, at, p.length);
        at += p.length;
      }
      return all;
    }
  }
}
