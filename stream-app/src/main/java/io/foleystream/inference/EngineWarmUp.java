package io.foleystream.inference;

import java.nio.FloatBuffer;
import java.util.List;

/**
 * Runs every graph of an engine once before real windows arrive. ONNX Runtime plans memory and
 * picks kernels on a session's first run at each input shape, and the any-duration path builds
 * its tables on a duration's first use; a live stream's first windows would pay all of that
 * (measured on the tiny set: the first window of a live demo took about 4 s instead of 1.4 s, and
 * the windows behind it queued). A warm-up of one window per duration the streams will use, and
 * one batch through each feature extractor, moves that cost to start-up, before the service is
 * ready.
 *
 * <p>The warm-up generates from text alone (no video, no prompt) at one Euler step with the set's
 * guidance, so the conditions, velocity (both guidance branches), VAE decoder and vocoder graphs all run. It
 * leaves nothing behind: results of later calls do not depend on it.
 */
public final class EngineWarmUp {

  private EngineWarmUp() {}

  /**
   * Warms an engine up.
   *
   * @param engine the engine
   * @param durationsS the window durations to warm, seconds (the set's own included if wanted)
   * @return the nanoseconds it took
   * @throws InvalidInputException if a duration is shorter than the model takes
   */
  public static long run(FoleyEngine engine, List<Double> durationsS) {
    long start = System.nanoTime();
    GenerationSettings settings = new GenerationSettings(1,
        GenerationSettings.defaults(engine.modelSet()).cfgStrength());
    List<WindowInput> window = List.of(new WindowInput(null, null, null,
        new InitialNoise.Seeded(0)));
    double own = engine.modelSet().manifest().durationS();
    for (double durationS : durationsS) {
      if (durationS == own) {
        engine.generateWindows(window, settings, GenerationListener.NONE);
      } else {
        engine.generateWindowsAt(durationS, window, settings, GenerationListener.NONE);
      }
    }
    if (engine.hasFeatureExtractors()) {
      SequenceConfig s = engine.modelSet().sequence();
      engine.clipImageEncoder().encode(zeros(2, s.clipImageSize()), 2);
      engine.synchformerEncoder().encode(zeros(s.syncSegmentFrames(), s.syncImageSize()),
          s.syncSegmentFrames());
    }
    return System.nanoTime() - start;
  }

  private static FloatBuffer zeros(int frames, int side) {
    return Tensors.directFloats(frames * 3 * side * side);
  }
}
