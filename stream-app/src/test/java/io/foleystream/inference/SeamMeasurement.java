package io.foleystream.inference;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Measures, on a model set, how two renderings of the same stream time differ when window B
 * continues window A in latent space, against B generated independently: the difference by
 * distance from A's right edge (where A's decoder and vocoder saw zero padding, so it also gives
 * the decoder margin d), and the seam a crossfade ending d before A's edge would have.
 *
 * <p>A program, not a test: arguments are the model set directory (default: the tiny set) and
 * the number of A/B pairs per hop (default 3); docs/inference.md gives the command line.
 */
final class SeamMeasurement {

  private static final int[] HOP_MS = {2000, 4000, 6000};
  private static final int[] MARGIN_MS = {0, 50, 100, 150, 200, 250, 300, 320, 400, 500};
  private static final int CROSSFADE_MS = 50;
  private static final int BIN_MS = 25;
  private static final int PROFILE_MS = 1000;

  private SeamMeasurement() {}

  /**
   * Runs the measurement and prints its tables.
   *
   * @param args model set directory (default: the tiny set), number of A/B pairs per hop
   */
  public static void main(String[] args) {
    Path dir = Path.of(args.length > 0 ? args[0] : "onnx-models/fixtures/tiny/model-set");
    int pairs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    try (FoleyEngine engine = FoleyEngine.open(dir, RuntimeOptions.defaults()
        .withThreads(2, 1))) {
      run(engine, pairs);
    }
  }

  private static void run(FoleyEngine engine, int pairs) {
    int rate = engine.sampleRate();
    int n = engine.samplesPerWindow();
    int spf = engine.samplesPerLatentFrame();
    GenerationSettings settings = GenerationSettings.defaults(engine.modelSet());
    int bins = PROFILE_MS / BIN_MS;
    int bin = rate * BIN_MS / 1000;
    int crossfade = rate * CROSSFADE_MS / 1000;
    double[][] profile = new double[2][bins];
    double[][] seams = new double[2][MARGIN_MS.length];
    double[] floor = new double[2];
    int runs = 0;
    for (int hopMs : HOP_MS) {
      int hop = (int) Math.round(hopMs / 1000.0 * rate / spf);
      int shift = hop * spf;
      for (int p = 0; p < pairs; p++) {
        StreamFeatures stream = new StreamFeatures(engine.modelSet().sequence(), rate, 2,
            100 + p);
        GeneratedWindow a = generate(engine, settings, stream, 0, 2L * p + 1, null);
        LatentPrefix prefix = LatentPrefix.continuing(a.latent(), engine.latentDim(), hop);
        GeneratedWindow[] b = {
            generate(engine, settings, stream, hop, 2L * p + 2, prefix),
            generate(engine, settings, stream, hop, 2L * p + 2, null)};
        for (int kind = 0; kind < 2; kind++) {
          for (int k = 0; k < bins; k++) {
            profile[kind][k] += Renderings.relativeRms(a.waveform(), b[kind].waveform(), shift,
                n - (k + 1) * bin, n - k * bin);
          }
          for (int m = 0; m < MARGIN_MS.length; m++) {
            seams[kind][m] += Renderings.seam(a.waveform(), b[kind].waveform(), shift,
                rate * MARGIN_MS[m] / 1000, crossfade);
          }
          // The middle of the overlap, half a second away from both windows' edges.
          floor[kind] += Renderings.relativeRms(a.waveform(), b[kind].waveform(), shift,
              shift + rate / 2, n - rate / 2);
        }
        runs++;
      }
    }
    System.out.printf(Locale.ROOT, "%s: %d A/B pairs (hops %s ms), %d steps, cfg %.1f%n",
        engine.modelSet(), runs, java.util.Arrays.toString(HOP_MS), settings.steps(),
        settings.cfgStrength());
    System.out.printf(Locale.ROOT, "overlap middle (0.5 s from both edges): continued %.4f, "
        + "independent %.4f%n", floor[0] / runs, floor[1] / runs);
    System.out.println("RMS(A - B) / RMS(A) by distance from A's right edge:");
    System.out.println("  ms before edge | continued | independent");
    for (int k = 0; k < bins; k++) {
      System.out.printf(Locale.ROOT, "  %4d - %4d    | %.4f    | %.4f%n", k * BIN_MS,
          (k + 1) * BIN_MS, profile[0][k] / runs, profile[1][k] / runs);
    }
    System.out.printf(Locale.ROOT, "seam over a %d ms crossfade ending d before A's edge:%n",
        CROSSFADE_MS);
    System.out.println("  d (ms) | continued | independent | ratio");
    for (int m = 0; m < MARGIN_MS.length; m++) {
      System.out.printf(Locale.ROOT, "  %6d | %.4f    | %.4f      | %.3f%n", MARGIN_MS[m],
          seams[0][m] / runs, seams[1][m] / runs, seams[0][m] / seams[1][m]);
    }
  }

  private static GeneratedWindow generate(FoleyEngine engine, GenerationSettings settings,
      StreamFeatures stream, int startFrame, long seed, LatentPrefix prefix) {
    return engine.generateWindows(List.of(new WindowInput(stream.window(startFrame), "rain", "",
        new InitialNoise.Seeded(seed), prefix)), settings, GenerationListener.NONE).get(0);
  }
}
