package io.foleystream.topology.assembler;

import io.foleystream.schemas.GapPolicy;
import io.foleystream.schemas.GenerationSettings;
import io.foleystream.schemas.StreamControl;
import io.foleystream.schemas.WindowMode;
import io.foleystream.topology.timeline.StreamTimeline;

/**
 * The window assembler's settings and the application defaults that a stream's control record
 * may override.
 *
 * @param durationMicros window length (the model set's)
 * @param defaultHopMicros distance between window starts when the control record sets none
 * @param graceMicros stream time a window with a gap waits for late chunks
 * @param gapPolicy how generation fills the gaps of a window emitted with gaps
 * @param idleTimeoutMillis wall-clock time after a stream's last chunk at which its remaining
 *     windows are emitted as they are; 0 for never
 * @param prompt default prompt
 * @param negativePrompt default negative prompt
 * @param seed global seed
 * @param steps default Euler steps
 * @param cfgStrength default guidance strength
 * @param coverageToleranceMicros longest uncovered stretch between chunks that is not a gap
 * @param retentionMillis wall-clock time after a stream's last chunk at which its state is
 *     deleted (ended or idle); 0 for never
 * @param audio the audio grid windows are placed on, and the default mode and margin
 */
public record AssemblerSettings(long durationMicros, long defaultHopMicros, long graceMicros,
    GapPolicy gapPolicy, long idleTimeoutMillis, String prompt, String negativePrompt, long seed,
    int steps, double cfgStrength, long coverageToleranceMicros, long retentionMillis,
    AudioGrid audio) {

  /** The default tolerance: 1 ms. */
  public static final long DEFAULT_COVERAGE_TOLERANCE_MICROS = 1000;

  /**
   * The model set's audio grid as the assembler needs it, and the defaults of the window mode.
   *
   * @param sampleRate output samples per second of the model set
   * @param latentFrameSamples samples per latent frame (a LIVE hop is a whole number of them)
   * @param defaultMode the mode of streams whose control record sets none
   * @param defaultMarginMicros the LIVE margin of streams whose control record sets none
   * @param rampUp whether a LIVE stream's windows before its first full one are shorter
   *     windows from its origin, each one hop longer, so that its first audio needs about one
   *     hop of video rather than a whole window ({@link StreamTimeline#firstGridOffsetSamples})
   */
  public record AudioGrid(int sampleRate, int latentFrameSamples, WindowMode defaultMode,
      long defaultMarginMicros, boolean rampUp) {

    /**
     * A grid whose LIVE streams ramp up.
     *
     * @param sampleRate output samples per second of the model set
     * @param latentFrameSamples samples per latent frame
     * @param defaultMode the mode of streams whose control record sets none
     * @param defaultMarginMicros the LIVE margin of streams whose control record sets none
     */
    public AudioGrid(int sampleRate, int latentFrameSamples, WindowMode defaultMode,
        long defaultMarginMicros) {
      this(sampleRate, latentFrameSamples, defaultMode, defaultMarginMicros, true);
    }

    /** The grid of the 16 kHz model sets, tumbling windows. */
    public static final AudioGrid TUMBLING_16K = new AudioGrid(16_000, 512, WindowMode.TUMBLING,
        0);
  }

  /**
   * Settings with the default coverage tolerance, keeping every stream's state, on the 16 kHz
   * grid with tumbling windows by default.
   *
   * @param durationMicros window length
   * @param defaultHopMicros default hop
   * @param graceMicros grace time
   * @param gapPolicy gap policy
   * @param idleTimeoutMillis idle timeout, 0 for never
   * @param prompt default prompt
   * @param negativePrompt default negative prompt
   * @param seed global seed
   * @param steps default Euler steps
   * @param cfgStrength default guidance strength
   */
  public AssemblerSettings(long durationMicros, long defaultHopMicros, long graceMicros,
      GapPolicy gapPolicy, long idleTimeoutMillis, String prompt, String negativePrompt,
      long seed, int steps, double cfgStrength) {
    this(durationMicros, defaultHopMicros, graceMicros, gapPolicy, idleTimeoutMillis, prompt,
        negativePrompt, seed, steps, cfgStrength, DEFAULT_COVERAGE_TOLERANCE_MICROS, 0,
        AudioGrid.TUMBLING_16K);
  }

  /**
   * Validates the values.
   *
   * @throws IllegalArgumentException if the duration, hop, grace or policy is out of range
   */
  public AssemblerSettings {
    if (durationMicros <= 0 || defaultHopMicros <= 0 || defaultHopMicros > durationMicros) {
      throw new IllegalArgumentException("window hop must be in (0, duration]: hop "
          + defaultHopMicros + " us, duration " + durationMicros + " us");
    }
    if (graceMicros < 0 || idleTimeoutMillis < 0 || coverageToleranceMicros < 0
        || retentionMillis < 0) {
      throw new IllegalArgumentException("grace, idle timeout, coverage tolerance and retention"
          + " must not be negative");
    }
    if (gapPolicy == GapPolicy.NONE) {
      throw new IllegalArgumentException("NONE is not a gap policy for windows with gaps");
    }
  }

  /**
   * The hop of a stream: its control record's if valid, else the default.
   *
   * @param control the stream's control record, or null
   * @return microseconds
   */
  public long hopMicros(StreamControl control) {
    Long hop = control == null ? null : control.getWindowHopMicros();
    return hop != null && hop > 0 && hop <= durationMicros ? hop : defaultHopMicros;
  }

  /**
   * The mode of a stream: its control record's, else the default.
   *
   * @param control the stream's control record, or null
   * @return the mode
   */
  public WindowMode mode(StreamControl control) {
    WindowMode mode = control == null ? null : control.getMode();
    return mode != null ? mode : audio.defaultMode();
  }

  /**
   * A stream's timeline from a given origin, with the mode and margin in force.
   *
   * @param control the stream's control record, or null
   * @param originMicros PTS of window 0's start
   * @return the timeline
   */
  public StreamTimeline timeline(StreamControl control, long originMicros) {
    WindowMode mode = mode(control);
    Long margin = control == null ? null : control.getMarginMicros();
    long windowSamples = StreamTimeline.samplesIn(durationMicros, audio.sampleRate());
    long marginSamples = StreamTimeline.samplesIn(margin != null && margin >= 0 ? margin
        : audio.defaultMarginMicros(), audio.sampleRate());
    marginSamples = Math.min(marginSamples, windowSamples - audio.latentFrameSamples());
    return new StreamTimeline(mode, originMicros, audio.sampleRate(), windowSamples,
        audio.latentFrameSamples(), mode == WindowMode.LIVE ? marginSamples : 0);
  }

  /**
   * The generation settings in force for a stream, defaults applied.
   *
   * @param control the stream's control record, or null
   * @return the settings
   */
  public GenerationSettings generationSettings(StreamControl control) {
    if (control == null) {
      return new GenerationSettings(prompt, negativePrompt, seed, steps, cfgStrength, null,
          false);
    }
    return new GenerationSettings(
        control.getPrompt() != null ? control.getPrompt() : prompt,
        control.getNegativePrompt() != null ? control.getNegativePrompt() : negativePrompt,
        control.getSeed() != null ? control.getSeed() : seed,
        control.getSteps() != null ? control.getSteps() : steps,
        control.getCfgStrength() != null ? control.getCfgStrength() : cfgStrength,
        control.getModelVariant(), Boolean.TRUE.equals(control.getMaskAwayClip()));
  }
}
