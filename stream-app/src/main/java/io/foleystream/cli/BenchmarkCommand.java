package io.foleystream.cli;

import io.foleystream.inference.FoleyEngine;
import io.foleystream.inference.GenerationListener;
import io.foleystream.inference.GenerationSettings;
import io.foleystream.inference.InitialNoise;
import io.foleystream.inference.RuntimeOptions;
import io.foleystream.inference.SequenceConfig;
import io.foleystream.inference.VideoFeatures;
import io.foleystream.inference.WindowInput;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Times every inference stage of one window on synthetic frames: CLIP image features of the
 * window's 8 fps frames, Synchformer features of its 25 fps frames, text features, conditions, the
 * Euler loop and the decoder; then the speed as "x real time" and the peak RSS.
 */
@Command(
    name = "benchmark-inference",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {"Time each inference stage of one window on synthetic frames.",
        "Frames are pseudo-random (the numbers do not depend on them); the first run includes "
            + "ONNX Runtime's warm-up, later runs show the steady state."})
final class BenchmarkCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Option(names = "--models", required = true, paramLabel = "SETDIR",
      description = "Model set directory.")
  Path models;

  @Mixin
  RuntimeOptionsMixin runtime;

  @Option(names = "--runs", defaultValue = "2", paramLabel = "N",
      description = "Windows to time one after another (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(names = "--steps", paramLabel = "N", description = "Euler steps (default: the set's).")
  Integer steps;

  @Option(names = "--no-progress",
      description = "Do not draw the progress bars of the model set's loading.")
  boolean noProgress;

  @Override
  public Integer call() throws Exception {
    Preflight.modelSet(models, "--models");
    if (runs < 1) {
      throw new UsageException("--runs " + runs + ": give at least 1");
    }
    run(spec.commandLine().getErr());
    return ExitCodes.OK;
  }

  private void run(PrintWriter err) throws java.io.IOException {
    RuntimeOptions options = runtime.toRuntimeOptions();
    long start = System.nanoTime();
    ModelSetNotice.print(err, models);
    try (FoleyEngine engine = FoleyEngine.open(models, options, true,
        ModelLoadProgress.forConsole(err, !noProgress))) {
      err.printf(Locale.ROOT, "%s%nsessions: %s%nloading: %.1f ms%n", engine.modelSet(),
          engine.providers(), (System.nanoTime() - start) / 1e6);
      SequenceConfig s = engine.modelSet().sequence();
      FloatBuffer clipFrames = syntheticFrames(s.clipFrames(), s.clipImageSize(), 1);
      FloatBuffer syncFrames = syntheticFrames(s.syncFrames(), s.syncImageSize(), 2);
      GenerationSettings defaults = GenerationSettings.defaults(engine.modelSet());
      GenerationSettings settings = new GenerationSettings(
          steps == null ? defaults.steps() : steps, defaults.cfgStrength());
      double audioSeconds = engine.samplesPerWindow() / (double) engine.sampleRate();
      for (int run = 1; run <= runs; run++) {
        StageTimings timings = new StageTimings();
        long t = System.nanoTime();
        float[] clip = engine.clipImageEncoder().encode(clipFrames, s.clipFrames());
        timings.add("clip image", System.nanoTime() - t);
        t = System.nanoTime();
        float[] sync = engine.synchformerEncoder().encode(syncFrames, s.syncFrames());
        timings.add("synchformer", System.nanoTime() - t);
        engine.generate(List.of(new WindowInput(new VideoFeatures(clip, sync),
            "benchmark prompt " + run, "", new InitialNoise.Seeded(run))), settings,
            new GenerationListener() {
              @Override
              public void stageFinished(Stage stage, long nanos) {
                timings.add(stage.name().toLowerCase(Locale.ROOT).replace('_', ' '), nanos);
              }
            });
        err.printf(Locale.ROOT, "run %d of %d (%d steps, cfg %s):%n", run, runs,
            settings.steps(), settings.cfgStrength());
        timings.print(err, audioSeconds);
      }
      PeakMemory.print(err);
    }
  }

  /** Pseudo-random frames in [-1, 1], in a native direct buffer as the media package hands them. */
  private static FloatBuffer syntheticFrames(int count, int side, long seed) {
    int n = count * 3 * side * side;
    FloatBuffer frames = ByteBuffer.allocateDirect(n * Float.BYTES)
        .order(ByteOrder.nativeOrder()).asFloatBuffer();
    Random random = new Random(seed);
    for (int i = 0; i < n; i++) {
      frames.put(i, random.nextFloat() * 2f - 1f);
    }
    return frames;
  }
}
