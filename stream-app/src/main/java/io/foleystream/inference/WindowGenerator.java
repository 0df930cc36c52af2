package io.foleystream.inference;

import ai.onnxruntime.OrtEnvironment;
import io.foleystream.inference.GenerationListener.Stage;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * MMAudio's {@code generate()} for a batch of windows: every input checked first, text features
 * per branch ({@link TextPlan}), conditions once for all windows and branches (unconditional rows
 * use the learned empty CLIP and sync features), the Euler loop with guidance, the decoder.
 *
 * <h2>Batch invariance</h2>
 * A window's audio does not depend on the windows it is batched with, bit for bit, so that a
 * stream replayed after a crash (batched differently) yields the same audio. ONNX Runtime's CPU
 * kernels give the same rows for any batch of two or more rows, but a batch of one row takes
 * other code paths whose results differ in the last bits. So the decoder runs once per window
 * (its cost is one call per window either way, and each window may need another stretch of its
 * audio: {@link WindowInput#audioFromSample()}), and a single window without guidance, the only
 * case whose conditions and velocity batches would have one row, is run as two identical rows.
 */
final class WindowGenerator {

  private final ModelSet set;
  private final SequenceConfig sequence;
  private final OrtEnvironment environment;
  private final TextEncoder textEncoder;
  private final ConditionEncoder conditionEncoder;
  private final OnnxModel velocity;
  private final LatentDecoder decoder;

  WindowGenerator(ModelSet set, OrtEnvironment environment, TextEncoder textEncoder,
      ConditionEncoder conditionEncoder, OnnxModel velocity, LatentDecoder decoder) {
    this.set = set;
    this.sequence = conditionEncoder.sequence();
    this.environment = environment;
    this.textEncoder = textEncoder;
    this.conditionEncoder = conditionEncoder;
    this.velocity = velocity;
    this.decoder = decoder;
  }

  List<GeneratedWindow> generate(List<WindowInput> windows, GenerationSettings settings,
      GenerationListener listener) {
    if (windows.isEmpty()) {
      return List.of();
    }
    int n = windows.size();
    for (int w = 0; w < n; w++) {
      validate(windows.get(w), n == 1 ? "" : "window " + w + ": ");
    }
    ClassifierFreeGuidance guidance = new ClassifierFreeGuidance(settings.cfgStrength());
    if (n == 1 && !guidance.enabled()) {
      return List.of(sample(List.of(windows.get(0), windows.get(0)), settings, guidance,
          listener).get(0));
    }
    return sample(windows, settings, guidance, listener);
  }

  private List<GeneratedWindow> sample(List<WindowInput> windows, GenerationSettings settings,
      ClassifierFreeGuidance guidance, GenerationListener listener) {
    int n = windows.size();
    int rows = n * guidance.branches();

    long start = System.nanoTime();
    float[] text = new float[rows * textSize()];
    for (int w = 0; w < n; w++) {
      WindowInput window = windows.get(w);
      TextPlan plan = TextPlan.of(window.prompt(), window.negativePrompt());
      System.arraycopy(textFeatures(plan.positive()), 0, text, w * textSize(), textSize());
      if (guidance.enabled()) {
        System.arraycopy(textFeatures(plan.negative()), 0, text, (n + w) * textSize(),
            textSize());
      }
    }
    start = finished(listener, Stage.TEXT_FEATURES, start);

    float[] clip = new float[rows * clipSize()];
    float[] sync = new float[rows * syncSize()];
    float[] emptyClip = repeatRow(set.emptyClipFeature(), sequence.clipLen());
    float[] emptySync = repeatRow(set.emptySyncFeature(), sequence.syncLen());
    for (int row = 0; row < rows; row++) {
      VideoFeatures video = row < n ? windows.get(row).video() : null;
      System.arraycopy(video == null ? emptyClip : video.clip(), 0, clip, row * clipSize(),
          clipSize());
      System.arraycopy(video == null ? emptySync : video.sync(), 0, sync, row * syncSize(),
          syncSize());
    }
    float[] x = new float[n * latentSize()];
    float[][] known = new float[n][];
    for (int w = 0; w < n; w++) {
      initialNoise(windows.get(w).noise(), x, w * latentSize());
      LatentPrefix prefix = windows.get(w).prefix();
      known[w] = prefix == null ? null : prefix.values();
    }

    try (ConditionEncoder.Conditions conditions = conditionEncoder.encode(clip, sync, text,
        rows)) {
      start = finished(listener, Stage.CONDITIONS, start);
      try (OnnxFlowEvaluator flow = new OnnxFlowEvaluator(velocity, environment, sequence,
          conditions, rows)) {
        new EulerSampler(settings.steps()).sample(x, n, known, guidance, flow,
            listener::stepCompleted);
      }
    }
    start = finished(listener, Stage.SAMPLING, start);
    List<GeneratedWindow> generated = new ArrayList<>(n);
    for (int w = 0; w < n; w++) {
      float[] latent = Arrays.copyOfRange(x, w * latentSize(), (w + 1) * latentSize());
      int from = windows.get(w).audioFromSample();
      generated.add(new GeneratedWindow(decoder.decode(latent, from), latent,
          decoder.renderedFrom(from)));
    }
    finished(listener, Stage.DECODING, start);
    return generated;
  }

  private static long finished(GenerationListener listener, Stage stage, long start) {
    long now = System.nanoTime();
    listener.stageFinished(stage, now - start);
    return now;
  }

  private void validate(WindowInput window, String prefix) {
    VideoFeatures video = window.video();
    if (video != null) {
      FeatureChecks.requireSize(video.clip(), sequence.clipLen(), sequence.clipDim(),
          prefix + "CLIP features");
      FeatureChecks.requireSize(video.sync(), sequence.syncLen(), sequence.syncDim(),
          prefix + "sync features");
      FeatureChecks.requireFinite(video.clip(), prefix + "CLIP features");
      FeatureChecks.requireFinite(video.sync(), prefix + "sync features");
    }
    if (window.noise() instanceof InitialNoise.Given given) {
      FeatureChecks.requireSize(given.values(), sequence.latentLen(), sequence.latentDim(),
          prefix + "noise");
      FeatureChecks.requireFinite(given.values(), prefix + "noise");
    }
    if (window.audioFromSample() >= decoder.samplesPerWindow()) {
      throw new InvalidInputException(prefix + "first needed sample " + window.audioFromSample()
          + " is past the window's " + decoder.samplesPerWindow() + " samples");
    }
    LatentPrefix known = window.prefix();
    if (known != null) {
      if (known.frames() > sequence.latentLen()
          || known.values().length != known.frames() * sequence.latentDim()) {
        throw new InvalidInputException(prefix + "latent prefix: " + known.values().length
            + " values for " + known.frames() + " frames; expected at most "
            + sequence.latentLen() + " frames of " + sequence.latentDim());
      }
      FeatureChecks.requireFinite(known.values(), prefix + "latent prefix");
    }
  }

  private float[] textFeatures(String prompt) {
    return textEncoder.encode(prompt);
  }

  private void initialNoise(InitialNoise noise, float[] x, int offset) {
    if (noise instanceof InitialNoise.Given given) {
      System.arraycopy(given.values(), 0, x, offset, latentSize());
    } else {
      GaussianNoise.fill(((InitialNoise.Seeded) noise).seed(), x, offset, latentSize());
    }
  }

  private static float[] repeatRow(float[] row, int times) {
    float[] out = new float[row.length * times];
    for (int i = 0; i < times; i++) {
      System.arraycopy(row, 0, out, i * row.length, row.length);
    }
    return out;
  }

  private int textSize() {
    return sequence.textLen() * sequence.textDim();
  }

  private int clipSize() {
    return sequence.clipLen() * sequence.clipDim();
  }

  private int syncSize() {
    return sequence.syncLen() * sequence.syncDim();
  }

  private int latentSize() {
    return sequence.latentLen() * sequence.latentDim();
  }
}
