package io.foleystream.inference;

import java.util.Locale;

/**
 * The sequence lengths of a window of any duration, as the official {@code SequenceConfig}
 * computes them (model-facts.md section 2) and {@code update_seq_lengths} applies them: the
 * graphs of a model set take these lengths at run time and compute their RoPE tables and sync
 * upsampling index from them.
 *
 * <ul>
 *   <li>latent length L = ceil(duration x sample rate / hop / 2);
 *   <li>CLIP length C = int(duration x 8);
 *   <li>sync length S = 8 x (floor((duration x 25 - 16) / 8) + 1), whole segments of 16 frames
 *       every 8;
 *   <li>decoder samples = L x 2 x hop.
 * </ul>
 *
 * Every product is formed in double precision, as the official Python code forms it, so that the
 * truncations land on the same side.
 */
public final class SequenceLengths {

  /** The window length the released MMAudio networks were trained on, seconds. */
  public static final double TRAINED_DURATION_S = 8.0;
  private static final int LATENT_DOWNSAMPLE = SequenceConfig.MEL_FRAMES_PER_LATENT_FRAME;

  private SequenceLengths() {}

  /**
   * The geometry of a window of another duration than the set's.
   *
   * @param base the set's geometry (widths, frame rates and image sizes are kept)
   * @param sampleRate the set's output sample rate
   * @param durationS the window duration in seconds
   * @return the geometry at that duration
   * @throws InvalidInputException if the duration is not finite or shorter than one Synchformer
   *     segment ({@link #minimumDurationS})
   */
  public static SequenceConfig at(SequenceConfig base, int sampleRate, double durationS) {
    double minimum = minimumDurationS(base);
    if (!Double.isFinite(durationS) || durationS < minimum) {
      throw new InvalidInputException(String.format(Locale.ROOT, "duration %s s: a window must "
          + "be at least %s s long (one Synchformer segment of %d frames at %d fps)", durationS,
          minimum, base.syncSegmentFrames(), base.syncFps()));
    }
    int hop = base.samples() / (LATENT_DOWNSAMPLE * base.latentLen());
    int latentLen = (int) Math.ceil(durationS * sampleRate / hop / LATENT_DOWNSAMPLE);
    int clipLen = (int) (durationS * base.clipFps());
    int syncFrames = (int) (durationS * base.syncFps());
    int segments = (int) Math.floor((durationS * base.syncFps() - base.syncSegmentFrames())
        / base.syncSegmentStep()) + 1;
    return new SequenceConfig(latentLen, base.latentDim(), base.hiddenDim(), clipLen,
        segments * SequenceConfig.SYNC_TOKENS_PER_SEGMENT, base.textLen(), base.clipDim(),
        base.syncDim(), base.textDim(), base.clipFps(), base.syncFps(), clipLen, syncFrames,
        base.syncSegmentFrames(), base.syncSegmentStep(), base.clipImageSize(),
        base.syncImageSize(), latentLen * LATENT_DOWNSAMPLE * hop, base.melBins(),
        base.vocoderContextFrames());
  }

  /**
   * The shortest window: one Synchformer segment.
   *
   * @param base the set's geometry
   * @return segment frames / sync frame rate, seconds (0.64 s for MMAudio)
   */
  public static double minimumDurationS(SequenceConfig base) {
    return (double) base.syncSegmentFrames() / base.syncFps();
  }

  /**
   * The duration both frame grids of a clip cover, as the official {@code load_video} shrinks a
   * requested duration to it.
   *
   * @param requestedS the requested duration
   * @param clipFrames CLIP frames the clip has
   * @param syncFrames Synchformer frames the clip has
   * @param base the set's geometry (the frame rates)
   * @return min(requested, clipFrames / clip fps, syncFrames / sync fps)
   */
  public static double coveredDurationS(double requestedS, int clipFrames, int syncFrames,
      SequenceConfig base) {
    return Math.min(requestedS, Math.min((double) clipFrames / base.clipFps(),
        (double) syncFrames / base.syncFps()));
  }
}
