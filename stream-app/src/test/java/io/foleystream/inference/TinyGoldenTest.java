package io.foleystream.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.foleystream.npy.NpyArray;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every graph of the exporter's tiny model set, and one whole generation, against the PyTorch
 * outputs in {@code onnx-models/fixtures/tiny/golden} (see the README there): within 1e-4 max abs
 * error in float32.
 */
class TinyGoldenTest {

  private static final double TOLERANCE = 1e-4;
  private static final String PROMPT = "a dog barks twice while rain falls";

  private static ModelSet set;
  private static ModelSessions sessions;
  private static FoleyEngine engine;
  private static SequenceConfig s;

  @BeforeAll
  static void open() {
    RuntimeOptions options = RuntimeOptions.defaults().withThreads(2, 1);
    set = ModelSet.open(TinyModelSet.DIRECTORY);
    sessions = ModelSessions.open(set, options);
    engine = FoleyEngine.open(TinyModelSet.DIRECTORY, options);
    s = set.sequence();
  }

  @AfterAll
  static void close() {
    sessions.close();
    engine.close();
  }

  private static NpyArray golden(String name) throws IOException {
    Path file = TinyModelSet.GOLDEN.resolve(name);
    if (name.endsWith(".gz")) {
      try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
        return NpyArray.read(in, file.toString());
      }
    }
    return NpyArray.read(file);
  }

  private static float[] floats(String name) throws IOException {
    return golden(name).toFloatArray();
  }

  private static void assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    double max = 0;
    for (int i = 0; i < expected.length; i++) {
      assertTrue(Float.isFinite(actual[i]), what + ": element " + i + " is " + actual[i]);
      max = Math.max(max, Math.abs((double) expected[i] - actual[i]));
    }
    System.out.printf("golden %-28s max abs error %.3g%n", what, max);
    assertTrue(max <= TOLERANCE, what + ": max abs error " + max + " > " + TOLERANCE);
  }

  @Test
  void tokenizerMatchesTheReferenceUnderTheTinyVocabulary() throws IOException {
    JsonNode cases = new ObjectMapper().readTree(
        TinyModelSet.GOLDEN.resolve("tokenizer_cases.json").toFile());
    assertEquals(set.manifest().tokenizer().merges(), cases.get("merges").asInt());
    int compared = 0;
    for (JsonNode row : cases.get("rows")) {
      long[] expected = new long[row.get("ids").size()];
      for (int i = 0; i < expected.length; i++) {
        expected[i] = row.get("ids").get(i).asLong();
      }
      assertArrayEquals(expected, set.tokenizer().tokenize(row.get("prompt").asText()),
          "prompt: " + row.get("prompt").asText());
      compared++;
    }
    assertTrue(compared >= 30, "only " + compared + " cases");
    long[] tokens = golden("generate_tokens.npy").toLongArray();
    assertArrayEquals(Arrays.copyOfRange(tokens, 0, 77), set.tokenizer().tokenize(PROMPT));
    assertArrayEquals(Arrays.copyOfRange(tokens, 77, 154), set.tokenizer().tokenize(""));
  }

  @Test
  void clipImage() throws IOException {
    FloatBuffer frames = FloatBuffer.wrap(floats("clip_image_frames.npy.gz"));
    assertClose(floats("clip_image_features.npy"), engine.clipImageEncoder().encode(frames, 2),
        "clip_image.features");
  }

  @Test
  void synchformerOnOverlappingSegmentsOfOneClip() throws IOException {
    // The two golden segments are frames 0-15 and 8-23 of one 24-frame clip; rebuild the clip
    // and let the encoder cut the segments itself.
    float[] segments = floats("synchformer_segments.npy.gz");
    int frame = 3 * s.syncImageSize() * s.syncImageSize();
    float[] clip = new float[24 * frame];
    System.arraycopy(segments, 0, clip, 0, 16 * frame);
    System.arraycopy(segments, (16 + 8) * frame, clip, 16 * frame, 8 * frame);
    assertArrayEquals(Arrays.copyOfRange(segments, 8 * frame, 16 * frame),
        Arrays.copyOfRange(segments, 16 * frame, 24 * frame), "segments overlap by 8 frames");
    assertClose(floats("synchformer_features.npy"),
        engine.synchformerEncoder().encode(FloatBuffer.wrap(clip), 24), "synchformer.features");
  }

  @Test
  void clipText() throws IOException {
    long[] tokens = golden("clip_text_tokens.npy").toLongArray();
    float[] expected = floats("clip_text_features.npy");
    int size = s.textLen() * s.textDim();
    for (int row = 0; row < 2; row++) {
      float[] actual = engine.textEncoder().encodeTokens(Arrays.copyOfRange(tokens, row * 77,
          row * 77 + 77));
      assertClose(Arrays.copyOfRange(expected, row * size, (row + 1) * size), actual,
          "clip_text.features[" + row + "]");
    }
    assertClose(Arrays.copyOfRange(expected, 0, size), engine.textEncoder().encode(PROMPT),
        "clip_text(prompt)");
  }

  @Test
  void conditionsOfBothBranchesInOneBatch() throws IOException {
    ConditionEncoder encoder = new ConditionEncoder(sessions.model(ModelGraph.CONDITIONS),
        sessions.environment(), s);
    float[] clip = concat(floats("conditions_cond_clip_features.npy"),
        floats("conditions_uncond_clip_features.npy"));
    float[] sync = concat(floats("conditions_cond_sync_features.npy"),
        floats("conditions_uncond_sync_features.npy"));
    float[] text = concat(floats("conditions_cond_text_features.npy"),
        floats("conditions_uncond_text_features.npy"));
    assertArrayEquals(floats("conditions_uncond_clip_features.npy"),
        repeat(set.emptyClipFeature(), s.clipLen()), "uncond clip input is the empty feature");
    assertArrayEquals(floats("conditions_uncond_sync_features.npy"),
        repeat(set.emptySyncFeature(), s.syncLen()), "uncond sync input is the empty feature");
    try (ConditionEncoder.Conditions conditions = encoder.encode(clip, sync, text, 2)) {
      for (String name : ConditionEncoder.NAMES) {
        float[] actual = Tensors.toArray(conditions.tensors().get(name), name);
        assertClose(concat(floats("conditions_cond_" + name + ".npy"),
            floats("conditions_uncond_" + name + ".npy")), actual, "conditions." + name);
      }
    }
  }

  @Test
  void velocity() throws IOException {
    Map<String, OnnxTensor> inputs = new HashMap<>();
    try {
      ModelGraph velocity = ModelGraph.VELOCITY;
      for (TensorSpec input : set.manifest().models().get(velocity).inputs()) {
        inputs.put(input.name(), tensor("velocity_" + input.name() + ".npy"));
      }
      try (OrtSession.Result result = sessions.model(velocity).run(inputs)) {
        String flow = velocity.outputName(0);
        assertClose(floats("velocity_" + flow + ".npy"), Tensors.toArray(result.get(0), flow),
            velocity.outputLabel(0));
      }
    } finally {
      inputs.values().forEach(OnnxTensor::close);
    }
  }

  @Test
  void decoder() throws IOException {
    LatentDecoder decoder = new LatentDecoder(sessions.model(ModelGraph.VAE_DECODER),
        sessions.model(ModelGraph.VOCODER), sessions.environment(), set.sequence(),
        set.manifest().durationS(), set.manifest().sampleRate());
    assertClose(floats("decoder_waveform.npy"), decoder.decode(floats("decoder_latent.npy"), 0),
        "vocoder.waveform");
  }

  @Test
  void everyEulerStateOfTheGoldenGeneration() throws IOException {
    float[] states = floats("generate_states.npy");
    int size = s.latentLen() * s.latentDim();
    float[] clip = concat(floats("generate_clip_features.npy"),
        repeat(set.emptyClipFeature(), s.clipLen()));
    float[] sync = concat(floats("generate_sync_features.npy"),
        repeat(set.emptySyncFeature(), s.syncLen()));
    float[] text = concat(engine.textEncoder().encode(PROMPT), engine.textEncoder().encode(""));
    ConditionEncoder encoder = new ConditionEncoder(sessions.model(ModelGraph.CONDITIONS),
        sessions.environment(), s);
    float[] x = floats("generate_noise.npy");
    assertArrayEquals(Arrays.copyOfRange(states, 0, size), x, "x_0 is the noise");
    try (ConditionEncoder.Conditions conditions = encoder.encode(clip, sync, text, 2);
        OnnxFlowEvaluator flow = new OnnxFlowEvaluator(sessions.model(ModelGraph.VELOCITY),
            sessions.environment(), s, conditions, 2)) {
      new EulerSampler(25).sample(x, 1, new ClassifierFreeGuidance(4.5), flow,
          (done, total) -> assertClose(Arrays.copyOfRange(states, done * size,
              (done + 1) * size), x, "Euler state x_" + done));
    }
    assertClose(floats("generate_latent.npy"), x, "generate.latent");
  }

  @Test
  void wholeGenerationFromFeaturesPromptAndNoise() throws IOException {
    WindowInput window = new WindowInput(
        new VideoFeatures(floats("generate_clip_features.npy"),
            floats("generate_sync_features.npy")),
        PROMPT, "", new InitialNoise.Given(floats("generate_noise.npy")));
    float[] waveform = engine.generate(window, new GenerationSettings(25, 4.5));
    assertClose(floats("generate_waveform.npy"), waveform, "generate.waveform");
    List<float[]> batch = engine.generate(List.of(window, window), new GenerationSettings(25, 4.5),
        GenerationListener.NONE);
    assertClose(floats("generate_waveform.npy"), batch.get(1), "generate.waveform (batch of 2)");
  }

  @Test
  void wholeGenerationAtOtherDurationsThanTheSets() throws IOException {
    JsonNode golden = new ObjectMapper().readTree(
        TinyModelSet.GOLDEN.resolve("durations.json").toFile());
    GenerationSettings settings = new GenerationSettings(golden.get("steps").asInt(),
        golden.get("cfg_strength").asDouble());
    assertTrue(golden.get("durations").size() >= 3, "goldens at three or more durations");
    boolean quirk = false;
    for (JsonNode d : golden.get("durations")) {
      double duration = d.get("duration_s").asDouble();
      String prefix = d.get("prefix").asText();
      SequenceConfig at = engine.sequenceAt(duration);
      assertEquals(d.get("latent_len").asInt(), at.latentLen(), prefix + " latent length");
      assertEquals(d.get("clip_len").asInt(), at.clipLen(), prefix + " CLIP length");
      assertEquals(d.get("sync_len").asInt(), at.syncLen(), prefix + " sync length");
      assertEquals(d.get("samples").asInt(), at.samples(), prefix + " decoder samples");
      quirk |= d.get("sync_index_positions_off_exact").asInt() > 0;
      WindowInput window = new WindowInput(new VideoFeatures(
          floats(prefix + "_clip_features.npy"), floats(prefix + "_sync_features.npy")),
          golden.get("prompt").asText(), golden.get("negative_prompt").asText(),
          new InitialNoise.Given(floats(prefix + "_noise.npy")));
      float[] waveform = engine.generateAt(duration, List.of(window), settings,
          GenerationListener.NONE).get(0);
      assertEquals(engine.samplesAt(duration), waveform.length);
      assertClose(Arrays.copyOf(floats(prefix + "_waveform.npy"), waveform.length), waveform,
          prefix + ".waveform");
    }
    assertTrue(quirk, "one golden duration has a float32 sync index that differs from exact math");
  }

  private static OnnxTensor tensor(String name) throws IOException {
    NpyArray array = golden(name);
    return Tensors.floats(sessions.environment(), FloatBuffer.wrap(array.toFloatArray()),
        array.shape());
  }

  private static float[] concat(float[] a, float[] b) {
    float[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static float[] repeat(float[] row, int times) {
    float[] out = new float[row.length * times];
    for (int i = 0; i < times; i++) {
      System.arraycopy(row, 0, out, i * row.length, row.length);
    }
    return out;
  }
}
