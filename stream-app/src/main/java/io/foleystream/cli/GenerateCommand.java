package io.foleystream.cli;

import io.foleystream.inference.FoleyEngine;
import io.foleystream.inference.GenerationListener;
import io.foleystream.inference.GenerationSettings;
import io.foleystream.inference.InitialNoise;
import io.foleystream.inference.ModelSetManifest;
import io.foleystream.inference.RuntimeOptions;
import io.foleystream.inference.SequenceConfig;
import io.foleystream.inference.SequenceLengths;
import io.foleystream.inference.VideoFeatures;
import io.foleystream.inference.VisualConditioning;
import io.foleystream.inference.WindowInput;
import io.foleystream.media.MediaException;
import io.foleystream.npy.NpyArray;
import io.foleystream.npy.NpyDtype;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Offline generation of one window, the counterpart of MMAudio's demo script: features (or a
 * video) and a prompt in, a waveform out, with a progress bar and per-stage timings.
 */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Generate the audio of one window from video features (or a video) and a prompt.",
        "Without --video or feature files it generates from the prompt alone, as MMAudio's demo"
            + " does without a video.",
        "With --video, the features come from the video's first window (decoded and sampled"
            + " by the media package).",
        "With --image, one image's CLIP feature stands on every CLIP row and the sync features"
            + " are the learned empty ones (MMAudio's image mode).",
        "Exit status: 0 done, 1 failed (the message says why), 2 bad usage."})
final class GenerateCommand implements Callable<Integer> {

  /** Exit status for a failure the message explains. */
  static final int FAILED = ExitCodes.FAILED;

  @Spec
  CommandSpec spec;

  @Option(names = "--models", required = true, paramLabel = "SETDIR",
      description = "Model set directory (with manifest.json).")
  Path models;

  @ArgGroup(exclusive = true)
  VideoSource source;

  /** Either a video, an image or a pair of feature files. */
  static final class VideoSource {
    @Option(names = "--video", paramLabel = "FILE",
        description = "Video file; features are extracted from its first window.")
    Path video;

    @Option(names = "--image", paramLabel = "FILE",
        description = "Still image (PNG, JPEG, BMP, GIF): its CLIP feature on every CLIP row, "
            + "empty sync features.")
    Path image;

    @ArgGroup(exclusive = false)
    FeatureFiles features;
  }

  /** Precomputed features, NumPy float32, C order. */
  static final class FeatureFiles {
    @Option(names = "--clip-features", required = true, paramLabel = "F.npy",
        description = "CLIP image features [clip_len, clip_dim] (or with a leading 1).")
    Path clip;

    @Option(names = "--sync-features", required = true, paramLabel = "F.npy",
        description = "Synchformer features [sync_len, sync_dim] (or with a leading 1).")
    Path sync;
  }

  @Option(names = "--mask-away-clip",
      description = "Replace the CLIP features by the learned empty ones and keep the sync "
          + "features (MMAudio's --mask_away_clip; needs --video or feature files).")
  boolean maskAwayClip;

  @Option(names = "--prompt", defaultValue = "", paramLabel = "TEXT",
      description = "Text prompt (default: empty, encoded as MMAudio's demo does).")
  String prompt;

  @Option(names = "--negative-prompt", defaultValue = "", paramLabel = "TEXT",
      description = "Negative prompt for the unconditional branch (default: empty).")
  String negativePrompt;

  @Option(names = "--duration", paramLabel = "S",
      description = "Window length in seconds, at least one Synchformer segment (0.64 s); "
          + "longer than the 8 s MMAudio was trained on works, with a warning (default: the "
          + "set's). A shorter video shrinks it to what the video covers.")
  Double duration;

  @Option(names = "--steps", paramLabel = "N",
      description = "Euler steps (default: the set's, 25).")
  Integer steps;

  @Option(names = "--cfg", paramLabel = "X",
      description = "Classifier-free guidance strength; below 1 turns it off (default: 4.5).")
  Double cfg;

  @Option(names = "--seed", defaultValue = "42", paramLabel = "N",
      description = "Noise seed (default: ${DEFAULT-VALUE}, as MMAudio's demo).")
  long seed;

  @Option(names = "--noise", paramLabel = "F.npy",
      description = "Initial noise [latent_len, latent_dim] instead of --seed.")
  Path noise;

  @Mixin
  RuntimeOptionsMixin runtime;

  @Option(names = "--out", required = true, paramLabel = "OUT.wav",
      description = "Output audio: .wav or .flac (16-bit) or .npy (float32 samples).")
  Path out;

  @Option(names = "--mux", paramLabel = "OUT.mp4",
      description = "Also write the video with the generated audio track, AAC in .mp4 or .ts "
          + "(needs --video).")
  Path mux;

  @Option(names = "--no-progress",
      description = "Do not draw the progress bars (model set loading, sampling).")
  boolean noProgress;

  @Override
  public Integer call() throws IOException, MediaException {
    checkArguments();
    return run(spec.commandLine().getErr());
  }

  /** Every path and format, before the model set is loaded (tens of seconds for real sets). */
  private void checkArguments() {
    Preflight.modelSet(models, "--models");
    try {
      WaveformOutput.requireSupported(out);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--out " + out + ": expected a .wav, .flac or .npy file name");
    }
    Preflight.outputFile(out, "--out");
    if (source != null && source.video != null) {
      Preflight.inputFile(source.video, "--video");
    } else if (source != null && source.image != null) {
      Preflight.inputFile(source.image, "--image");
    } else if (source != null) {
      Preflight.inputFile(source.features.clip, "--clip-features");
      Preflight.inputFile(source.features.sync, "--sync-features");
    }
    if (noise != null) {
      Preflight.inputFile(noise, "--noise");
    }
    if (mux != null) {
      if (source == null || source.video == null) {
        throw new UsageException("--mux needs --video: it writes that video with the generated"
            + " audio track");
      }
      try {
        WaveformOutput.containerFor(mux);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
      Preflight.outputFile(mux, "--mux");
    }
    if (steps != null && steps < 1) {
      throw new UsageException("--steps " + steps + ": give at least 1");
    }
    boolean fromImage = source != null && source.image != null;
    if (maskAwayClip && (source == null || fromImage)) {
      throw new UsageException("--mask-away-clip needs --video or feature files: "
          + (fromImage ? "it would mask the image away" : "without them there are no CLIP "
          + "features to mask"));
    }
  }

  private int run(PrintWriter err) throws IOException, MediaException {
    boolean fromImage = source != null && source.image != null;
    StageTimings timings = new StageTimings();
    long start = System.nanoTime();
    RuntimeOptions options = runtime.toRuntimeOptions();
    boolean fromVideo = source != null && source.video != null;
    ModelSetNotice.print(err, models);
    try (FoleyEngine engine = FoleyEngine.open(models, options, fromVideo || fromImage,
        ModelLoadProgress.forConsole(err, !noProgress))) {
      timings.add("load models", System.nanoTime() - start);
      ModelSetManifest manifest = engine.modelSet().manifest();
      err.println(engine.modelSet());
      err.println("sessions: " + engine.providers());
      double windowS = duration == null ? manifest.durationS() : duration;
      SequenceConfig s = engine.sequenceAt(windowS);
      if (windowS > SequenceLengths.TRAINED_DURATION_S) {
        err.printf(Locale.ROOT, "warning: %s s is longer than the %s s MMAudio was trained on; "
            + "the audio may be of lower quality%n", windowS, SequenceLengths.TRAINED_DURATION_S);
      }
      GenerationSettings defaults = GenerationSettings.defaults(engine.modelSet());
      GenerationSettings settings = new GenerationSettings(
          steps == null ? defaults.steps() : steps, cfg == null ? defaults.cfgStrength() : cfg);

      start = System.nanoTime();
      VideoFeatures video = null;
      if (fromVideo) {
        VideoFeatureExtraction.Window window = VideoFeatureExtraction.firstWindow(source.video,
            engine, windowS, timings, err);
        video = window.features();
        windowS = window.durationS();
        s = engine.sequenceAt(windowS);
        start = System.nanoTime();
      } else if (fromImage) {
        video = ImageFeatureExtraction.features(source.image, engine, s, timings);
        start = System.nanoTime();
      } else if (source != null) {
        video = new VideoFeatures(
            readRows(source.features.clip, "--clip-features", s.clipLen(), s.clipDim()),
            readRows(source.features.sync, "--sync-features", s.syncLen(), s.syncDim()));
      }
      if (maskAwayClip) {
        video = VisualConditioning.maskAwayClip(engine.modelSet(), s, video);
      }
      InitialNoise initial = noise == null ? new InitialNoise.Seeded(seed)
          : new InitialNoise.Given(readRows(noise, "--noise", s.latentLen(), s.latentDim()));
      timings.add("read inputs", System.nanoTime() - start);

      ProgressBar bar = ProgressBar.forConsole(err, "sampling", !noProgress);
      float[] audio = engine.generateAt(windowS, List.of(new WindowInput(video, prompt,
          negativePrompt, initial)), settings, new GenerationListener() {
            @Override
            public void stageFinished(Stage stage, long nanos) {
              timings.add(stage.name().toLowerCase(Locale.ROOT).replace('_', ' '), nanos);
            }

            @Override
            public void stepCompleted(int completed, int total) {
              bar.update(completed, total);
            }
          }).get(0);

      start = System.nanoTime();
      WaveformOutput.write(out, audio, engine.sampleRate());
      timings.add("write output", System.nanoTime() - start);
      err.printf(Locale.ROOT, "wrote %s: %d samples at %d Hz (%d steps, cfg %s, %s)%n", out,
          audio.length, engine.sampleRate(), settings.steps(), settings.cfgStrength(),
          noise == null ? "seed " + seed : "noise " + noise);
      if (mux != null) {
        start = System.nanoTime();
        WaveformOutput.mux(source.video, audio, engine.sampleRate(), mux);
        timings.add("mux video", System.nanoTime() - start);
        err.printf(Locale.ROOT, "wrote %s: %s with the generated audio track%n", mux,
            source.video);
      }
      timings.print(err, audio.length / (double) engine.sampleRate(), "load models");
      PeakMemory.print(err);
    }
    return 0;
  }

  private static float[] readRows(Path file, String option, int rows, int width)
      throws IOException {
    NpyArray array = NpyArray.read(file);
    long[] shape = array.shape();
    boolean fits = Arrays.equals(shape, new long[] {rows, width})
        || Arrays.equals(shape, new long[] {1, rows, width});
    if (!fits || array.dtype() == NpyDtype.INT64) {
      throw new UsageException(option + " " + file + ": " + array + ", expected float32 ["
          + rows + ", " + width + "] (or [1, " + rows + ", " + width + "])");
    }
    return array.toFloatArray();
  }
}
