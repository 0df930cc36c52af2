package io.foleystream.inference;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/**
 * The inference engine of one model set: its verified files, its ONNX Runtime sessions (created
 * once, shared by every thread), the feature extractors and the generator. The public entry point
 * of the {@code inference} package.
 *
 * <pre>{@code
 * try (FoleyEngine engine = FoleyEngine.open(dir, RuntimeOptions.defaults())) {
 *   float[] audio = engine.generate(new WindowInput(features, "rain on a tin roof", null,
 *       new InitialNoise.Seeded(42)), GenerationSettings.defaults(engine.modelSet()));
 * }
 * }</pre>
 */
public final class FoleyEngine implements AutoCloseable {

  /** Prompts whose text features stay cached. */
  public static final int TEXT_CACHE_CAPACITY = 64;
  private static final int CLIP_BATCH = 16;
  private static final int SYNC_BATCH = 4;

  private final ModelSet set;
  private final ModelSessions sessions;
  private final TextEncoder textEncoder;
  private final ClipImageEncoder clipImageEncoder;
  private final SynchformerEncoder synchformerEncoder;
  private final LatentDecoder decoder;
  private final WindowGenerator generator;

  private FoleyEngine(ModelSet set, ModelSessions sessions, boolean featureExtractors) {
    this.set = set;
    this.sessions = sessions;
    SequenceConfig s = set.sequence();
    var env = sessions.environment();
    this.textEncoder = new TextEncoder(sessions.model(ModelGraph.CLIP_TEXT), env,
        set.tokenizer(), s, TEXT_CACHE_CAPACITY);
    this.clipImageEncoder = featureExtractors ? new ClipImageEncoder(
        sessions.model(ModelGraph.CLIP_IMAGE), env, s, CLIP_BATCH) : null;
    this.synchformerEncoder = featureExtractors ? new SynchformerEncoder(
        sessions.model(ModelGraph.SYNCHFORMER), env, s, SYNC_BATCH) : null;
    this.decoder = new LatentDecoder(sessions.model(ModelGraph.VAE_DECODER),
        sessions.model(ModelGraph.VOCODER), env, s, set.manifest().durationS(),
        set.manifest().sampleRate());
    this.generator = new WindowGenerator(set, env, textEncoder,
        new ConditionEncoder(sessions.model(ModelGraph.CONDITIONS), env, s),
        sessions.model(ModelGraph.VELOCITY), decoder);
  }

  /**
   * The generator of windows of another duration: the same sessions, run at that duration's
   * lengths.
   */
  private WindowGenerator generatorAt(double durationS) {
    if (durationS == set.manifest().durationS()) {
      return generator;
    }
    SequenceConfig s = sequenceAt(durationS);
    var env = sessions.environment();
    return new WindowGenerator(set, env, textEncoder,
        new ConditionEncoder(sessions.model(ModelGraph.CONDITIONS), env, s),
        sessions.model(ModelGraph.VELOCITY), new LatentDecoder(
            sessions.model(ModelGraph.VAE_DECODER), sessions.model(ModelGraph.VOCODER), env, s,
            durationS, set.manifest().sampleRate()));
  }

  /**
   * Opens and verifies a model set and creates its sessions.
   *
   * @param directory the model set directory
   * @param options provider, threads, memory settings
   * @return the engine
   * @throws ModelSetException if the set is invalid, incomplete or corrupted
   * @throws ProviderUnavailableException if {@code cuda} was asked for and cannot be had
   */
  public static FoleyEngine open(Path directory, RuntimeOptions options) {
    return open(directory, options, true);
  }

  /**
   * Opens a set, optionally without the CLIP image and Synchformer sessions: a caller that
   * brings its own features (or generates from text alone) saves their memory and load time,
   * which for the full-size CLIP image tower is gigabytes.
   *
   * @param directory the model set directory
   * @param options provider, threads, memory settings
   * @param featureExtractors whether to load the CLIP image and Synchformer graphs
   * @return the engine
   * @throws ModelSetException if the set is invalid, incomplete or corrupted
   * @throws ProviderUnavailableException if {@code cuda} was asked for and cannot be had
   */
  public static FoleyEngine open(Path directory, RuntimeOptions options,
      boolean featureExtractors) {
    return open(directory, options, featureExtractors, ModelLoadListener.NONE);
  }

  /**
   * Opens a set as {@link #open(Path, RuntimeOptions, boolean)} does, telling a listener how the
   * checksum verification of its files and the creation of its sessions go.
   *
   * @param directory the model set directory
   * @param options provider, threads, memory settings
   * @param featureExtractors whether to load the CLIP image and Synchformer graphs
   * @param listener told about the bytes hashed and the sessions created
   * @return the engine
   * @throws ModelSetException if the set is invalid, incomplete or corrupted
   * @throws ProviderUnavailableException if {@code cuda} was asked for and cannot be had
   */
  public static FoleyEngine open(Path directory, RuntimeOptions options,
      boolean featureExtractors, ModelLoadListener listener) {
    ModelSet set = ModelSet.open(directory, listener);
    EnumSet<ModelGraph> graphs = EnumSet.of(ModelGraph.CLIP_TEXT, ModelGraph.CONDITIONS,
        ModelGraph.VELOCITY, ModelGraph.VAE_DECODER, ModelGraph.VOCODER);
    if (featureExtractors) {
      graphs.add(ModelGraph.CLIP_IMAGE);
      graphs.add(ModelGraph.SYNCHFORMER);
    }
    return new FoleyEngine(set, ModelSessions.open(set, options, graphs, listener),
        featureExtractors);
  }

  /**
   * Generates the audio of one window.
   *
   * @param window features, prompts, noise
   * @param settings steps and guidance
   * @return {@link #samplesPerWindow()} samples at {@link #sampleRate()}
   * @throws InvalidInputException if an input is malformed; nothing runs then
   */
  public float[] generate(WindowInput window, GenerationSettings settings) {
    return generate(List.of(window), settings, GenerationListener.NONE).get(0);
  }

  /**
   * Generates several windows in one batch: one conditions run and one velocity run per step for
   * all of them.
   *
   * @param windows the windows
   * @param settings steps and guidance, shared by all windows
   * @param listener told about stages and steps
   * @return one waveform per window, in order
   * @throws InvalidInputException if any input is malformed; nothing runs then
   */
  public List<float[]> generate(List<WindowInput> windows, GenerationSettings settings,
      GenerationListener listener) {
    return generator.generate(windows, settings, listener).stream()
        .map(GeneratedWindow::waveform).toList();
  }

  /**
   * Generates several windows in one batch, returning each window's final latent with its audio
   * so that the next overlapping window can continue it ({@link LatentPrefix#continuing}).
   * A window's result does not depend on the batch, bit for bit.
   *
   * @param windows the windows, each with or without a {@link LatentPrefix}
   * @param settings steps and guidance, shared by all windows
   * @param listener told about stages and steps
   * @return one generated window per input, in order
   * @throws InvalidInputException if any input is malformed; nothing runs then
   */
  public List<GeneratedWindow> generateWindows(List<WindowInput> windows,
      GenerationSettings settings, GenerationListener listener) {
    return generator.generate(windows, settings, listener);
  }

  /**
   * Generates windows of another duration than the set's, as the official code does after
   * {@code update_seq_lengths}: the lengths, RoPE tables and sync upsampling index of that
   * duration, the features of that duration's geometry ({@link #sequenceAt}). A stream's last
   * partial window or a short clip is generated this way at the duration it covers.
   *
   * @param durationS the window duration in seconds, at least one Synchformer segment; longer
   *     than {@link SequenceLengths#TRAINED_DURATION_S} works, as officially, with a warning the
   *     caller gives
   * @param windows the windows, with features and noise of that duration's geometry
   * @param settings steps and guidance, shared by all windows
   * @param listener told about stages and steps
   * @return one waveform of {@link #samplesAt samplesAt(durationS)} samples per window, in order
   * @throws InvalidInputException if the duration or any input is malformed; nothing runs then
   */
  public List<float[]> generateAt(double durationS, List<WindowInput> windows,
      GenerationSettings settings, GenerationListener listener) {
    return generatorAt(durationS).generate(windows, settings, listener).stream()
        .map(GeneratedWindow::waveform).toList();
  }

  /**
   * Generates windows of another duration than the set's, as {@link #generateAt} does, returning
   * each window's final latent with its audio, as {@link #generateWindows} does: a live stream's
   * shorter first windows continue each other's latent.
   *
   * @param durationS the window duration in seconds, at least one Synchformer segment
   * @param windows the windows, with features, noise and latent prefix of that duration's
   *     geometry
   * @param settings steps and guidance, shared by all windows
   * @param listener told about stages and steps
   * @return one generated window per input, in order, each {@link #samplesAt
   *     samplesAt(durationS)} samples long
   * @throws InvalidInputException if the duration or any input is malformed; nothing runs then
   */
  public List<GeneratedWindow> generateWindowsAt(double durationS, List<WindowInput> windows,
      GenerationSettings settings, GenerationListener listener) {
    return generatorAt(durationS).generate(windows, settings, listener);
  }

  /**
   * The geometry of a window of a given duration.
   *
   * @param durationS the duration in seconds
   * @return its lengths (the set's own geometry at the set's duration)
   * @throws InvalidInputException if the duration is shorter than one Synchformer segment
   */
  public SequenceConfig sequenceAt(double durationS) {
    if (durationS == set.manifest().durationS()) {
      return set.sequence();
    }
    return SequenceLengths.at(set.sequence(), set.manifest().sampleRate(), durationS);
  }

  /**
   * Samples in a generated window of a given duration.
   *
   * @param durationS the duration in seconds
   * @return round(duration x sample rate), at most the decoder's output length
   */
  public int samplesAt(double durationS) {
    return (int) Math.min(sequenceAt(durationS).samples(),
        Math.round(durationS * set.manifest().sampleRate()));
  }

  /**
   * The model set.
   *
   * @return the verified set
   */
  public ModelSet modelSet() {
    return set;
  }

  /**
   * The provider each session got.
   *
   * @return graph to provider
   */
  public Map<ModelGraph, String> providers() {
    return sessions.providers();
  }

  /**
   * The text encoder (with its prompt cache).
   *
   * @return the encoder
   */
  public TextEncoder textEncoder() {
    return textEncoder;
  }

  /**
   * Whether the engine was opened with its feature extractors.
   *
   * @return true if {@link #clipImageEncoder} and {@link #synchformerEncoder} are loaded
   */
  public boolean hasFeatureExtractors() {
    return clipImageEncoder != null;
  }

  /**
   * The CLIP image feature extractor.
   *
   * @return the encoder
   * @throws IllegalStateException if the engine was opened without feature extractors
   */
  public ClipImageEncoder clipImageEncoder() {
    return requireLoaded(clipImageEncoder, ModelGraph.CLIP_IMAGE);
  }

  /**
   * The Synchformer feature extractor.
   *
   * @return the encoder
   * @throws IllegalStateException if the engine was opened without feature extractors
   */
  public SynchformerEncoder synchformerEncoder() {
    return requireLoaded(synchformerEncoder, ModelGraph.SYNCHFORMER);
  }

  private static <T> T requireLoaded(T extractor, ModelGraph graph) {
    if (extractor == null) {
      throw new IllegalStateException(graph + " was not loaded: open the engine with its "
          + "feature extractors");
    }
    return extractor;
  }

  /**
   * Samples in each generated window.
   *
   * @return duration x sample rate
   */
  public int samplesPerWindow() {
    return decoder.samplesPerWindow();
  }

  /**
   * Latent frames in each window, L.
   *
   * @return latent_len
   */
  public int latentFrames() {
    return set.sequence().latentLen();
  }

  /**
   * Values per latent frame.
   *
   * @return latent_dim
   */
  public int latentDim() {
    return set.sequence().latentDim();
  }

  /**
   * Output samples per latent frame, the step a latent-space hop must be a multiple of.
   *
   * @return 512 for 16 kHz sets, 1024 for 44.1 kHz sets
   */
  public int samplesPerLatentFrame() {
    return set.sequence().samplesPerLatentFrame();
  }

  /**
   * The default decoder margin: how many samples before a window's end its audio stops being
   * published in live mode, because the decoder's zero padding there still shows.
   *
   * @return {@link DecoderMargin#defaultSamples} of this set
   */
  public int defaultDecoderMarginSamples() {
    return DecoderMargin.defaultSamples(samplesPerLatentFrame());
  }

  /**
   * The output sample rate.
   *
   * @return Hz
   */
  public int sampleRate() {
    return set.manifest().sampleRate();
  }

  /** Closes the sessions. */
  @Override
  public void close() {
    sessions.close();
  }
}
