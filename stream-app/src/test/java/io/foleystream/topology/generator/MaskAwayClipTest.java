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
import io.foleystream.media.DecoderSettings;
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
import java.nio.file.Path;
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
    // A stream longer than the window: the window is not its last, so it has full length.
    chunks = TestPatternStream.chunks("s", 10 * S);
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
            maskAwayClip)).setChunks(chunks.subList(0, 4)).setCoveredMicros(8 * S)
        .setCompletion(WindowCompletion.COMPLETE).setGapPolicy(GapPolicy.NONE).build();
  }

  private static float[] published(WindowTask task) throws Exception {
    WindowBatchGenerator generator = new WindowBatchGenerator(engine, featurizer,
        new AudioChunker(SampleEncoding.PCM_F32LE, 0, 0, engine.samplesPerLatentFrame()),
        new PipelineMetrics(new SimpleMeterRegistry()));
    GenerationStep.Outcome outcome = generator.generate(List.of(task), t -> null, t -> false)
        .get(0);
    assertNull(outcome.failure());
    return TestPatternStream.samples(outcome.audio());
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
}
