package io.foleystream.topology.generator;

import io.foleystream.topology.records.PayloadFetcher;

import io.foleystream.inference.FoleyEngine;
import io.foleystream.inference.GeneratedWindow;
import io.foleystream.inference.LatentPrefix;
import io.foleystream.inference.VideoFeatures;
import io.foleystream.inference.VisualConditioning;
import io.foleystream.inference.GenerationListener;
import io.foleystream.inference.InitialNoise;
import io.foleystream.inference.InvalidInputException;
import io.foleystream.inference.WindowInput;
import io.foleystream.media.MediaException;
import io.foleystream.schemas.GeneratorState;
import io.foleystream.schemas.GapPolicy;
import io.foleystream.schemas.GenerationParameters;
import io.foleystream.schemas.GenerationSettings;
import io.foleystream.schemas.SilenceReason;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.WindowMode;
import io.foleystream.schemas.WindowTask;
import io.foleystream.topology.timeline.StreamTimeline;
import io.foleystream.topology.operations.PipelineMetrics;
import io.foleystream.topology.records.Sha256;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The generation stage's work on one batch of windows: featurize each window, generate all of
 * them in as few engine calls as their settings allow (one per distinct steps and guidance
 * strength, and one per round where a live stream has several windows in the batch, each
 * continuing the latent of the one before), and join and cut each waveform into audio chunks.
 *
 * <p>A window's noise seed comes from {@link WindowSeeds}; the engine's output does not depend on
 * the batch a window is in, so the audio of a window is the same however it is batched.
 */
public final class WindowBatchGenerator implements GenerationStep {

  private static final Logger LOG = LoggerFactory.getLogger(WindowBatchGenerator.class);


  /** A window that cannot be generated, whatever is retried. */
  public static final class UngeneratableWindowException extends Exception {
    private static final long serialVersionUID = 1L;

    /**
     * @param message why the window cannot be generated
     * @param cause the engine's refusal, or null
     */
    public UngeneratableWindowException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final FoleyEngine engine;
  private final FeaturePrefetcher featurizer;
  private final AudioChunker chunker;
  private final PipelineMetrics metrics;

  /**
   * @param engine the inference engine
   * @param featurizer decodes and featurizes a window's chunks
   * @param chunker joins each window to its stream's audio and cuts it into chunks
   * @param metrics stage timers and counters
   */
  public WindowBatchGenerator(FoleyEngine engine, WindowFeaturizer featurizer, AudioChunker chunker,
      PipelineMetrics metrics) {
    this(engine, new FeaturePrefetcher(featurizer, 0), chunker, metrics);
  }

  /**
   * A generator whose media work may run ahead of generation.
   *
   * @param engine the inference engine
   * @param featurizer decodes and featurizes windows, ahead of their batch where it can
   * @param chunker joins each window to its stream's audio and cuts it into chunks
   * @param metrics stage timers and counters
   */
  public WindowBatchGenerator(FoleyEngine engine, FeaturePrefetcher featurizer,
      AudioChunker chunker, PipelineMetrics metrics) {
    this.engine = engine;
    this.featurizer = featurizer;
    this.chunker = chunker;
    this.metrics = metrics;
  }

  @Override
  public List<Outcome> generate(List<WindowTask> tasks,
      Function<WindowTask, GeneratorState> committedStates, Predicate<WindowTask> skipped)
      throws MediaException, PayloadFetcher.PayloadException {
    long batchStart = System.nanoTime();
    long batchStartMillis = System.currentTimeMillis();
    LOG.info("generating a batch of {} window(s): {}", tasks.size(), tasks.stream()
        .map(t -> t.getStreamId() + "#" + t.getWindowIndex()).toList());
    Map<WindowTask, WindowFeaturizer.Result> features = new LinkedHashMap<>();
    Map<WindowTask, Exception> failures = new LinkedHashMap<>();
    for (WindowTask task : tasks) {
      try (MDC.MDCCloseable s = MDC.putCloseable("streamId", task.getStreamId());
          MDC.MDCCloseable w = MDC.putCloseable("window", String.valueOf(task.getWindowIndex()))) {
        if (task.getAssembledAt() != null) {
          metrics.time(PipelineMetrics.Stage.QUEUEING,
              (batchStartMillis - task.getAssembledAt().toEpochMilli()) * 1_000_000L);
        }
        String variant = task.getGeneration().getModelVariant();
        if (variant != null && !variant.equals(engine.modelSet().manifest().variant())) {
          failures.put(task, new UngeneratableWindowException("the stream asks for model variant "
              + variant + ", this generator serves " + engine.modelSet().manifest().variant(),
              null));
          featurizer.discard(task);
          continue;
        }
        if (skipped.test(task)) {
          // A skipped window needs no media work: it is late already.
          featurizer.discard(task);
          continue;
        }
        WindowFeaturizer.Result result = featurizer.featurize(task);
        metrics.time(PipelineMetrics.Stage.DECODE, result.decodeNanos());
        metrics.time(PipelineMetrics.Stage.FEATURES, result.featureNanos());
        features.put(task, result);
      }
    }
    Map<String, GeneratorState> states = new HashMap<>();
    Map<WindowTask, Outcome> outcomes = new HashMap<>();
    long generated = 0;
    int windows = 0;
    long windowSamples = 0;
    List<WindowTask> toPublish = tasks.stream().filter(t -> features.containsKey(t)
        || skipped.test(t) && !failures.containsKey(t)).toList();
    for (List<WindowTask> round : rounds(toPublish)) {
      Map<WindowTask, GeneratedWindow> audio = new LinkedHashMap<>();
      List<WindowTask> silentWindows = new ArrayList<>();
      Map<WindowTask, LatentPrefix> prefixes = new HashMap<>();
      Map<WindowTask, Integer> firstSamples = new HashMap<>();
      Map<List<Object>, List<WindowTask>> groups = new LinkedHashMap<>();
      for (WindowTask task : round) {
        GeneratorState state = states.containsKey(task.getStreamId())
            ? states.get(task.getStreamId()) : committedStates.apply(task);
        states.put(task.getStreamId(), state);
        if (silent(task) || skipped.test(task)) {
          silentWindows.add(task);
          continue;
        }
        LatentPrefix prefix = prefix(task, state);
        if (prefix != null) {
          prefixes.put(task, prefix);
        }
        firstSamples.put(task, chunker.publishedFrom(task, windowSamples(task),
            engine.sampleRate(), state));
        GenerationSettings g = task.getGeneration();
        // Windows of different lengths (a live stream's ramp-up) cannot share an engine call.
        groups.computeIfAbsent(List.of(g.getSteps(), g.getCfgStrength(), windowSamples(task)),
            k -> new ArrayList<>()).add(task);
      }
      for (List<WindowTask> group : groups.values()) {
        generated += generateGroup(group, features, prefixes, firstSamples, audio, failures);
      }
      Instant now = Instant.now();
      for (WindowTask task : round) {
        GeneratedWindow window = audio.get(task);
        boolean silence = silentWindows.contains(task);
        if (window == null && !silence) {
          continue;
        }
        windows++;
        windowSamples += windowSamples(task);
        // A silent window leaves no latent: the stream's next window starts afresh.
        AudioChunker.Cut cut = silence
            ? chunker.cut(task, new float[windowSamples(task)], null, engine.sampleRate(),
                parameters(task), now, states.get(task.getStreamId()))
            : chunker.cut(task, window.waveform(), window.latent(), engine.sampleRate(),
                parameters(task), now, states.get(task.getStreamId()));
        SilenceReason reason = skipped.test(task) ? SilenceReason.DEADLINE_MISSED
            : silence ? SilenceReason.GAP : null;
        cut.chunks().forEach(c -> c.setSilenceReason(reason));
        if (cut.stateUpdate() != null) {
          states.put(task.getStreamId(), cut.stateUpdate().state());
        }
        if (cut.region().lastOfStream()) {
          featurizer.forget(task.getStreamId());
        }
        if (!Double.isNaN(cut.seamError())) {
          metrics.seamError(cut.seamError());
        }
        outcomes.put(task, new Outcome(task, cut.chunks(), cut.stateUpdate(),
            features.containsKey(task) ? features.get(task).badChunks() : List.of(), null,
            completedChunks(task, cut)));
      }
    }
    List<Outcome> out = new ArrayList<>();
    for (WindowTask task : tasks) {
      Outcome outcome = outcomes.get(task);
      if (outcome == null) {
        WindowFeaturizer.Result result = features.get(task);
        outcome = new Outcome(task, List.of(), null,
            result == null ? List.of() : result.badChunks(), failures.get(task), List.of());
      }
      out.add(outcome);
    }
    // A stream's ramp-up and last partial windows are shorter than the set's window.
    double audioSeconds = windowSamples / (double) engine.sampleRate();
    metrics.batch(windows, audioSeconds, System.nanoTime() - batchStart);
    LOG.debug("batch of {} window(s) in {} ms ({} ms generating)", tasks.size(),
        (System.nanoTime() - batchStart) / 1_000_000, generated / 1_000_000);
    return out;
  }

  /** The windows that come next are featurized while this batch is generated. */
  @Override
  public void upcoming(List<WindowTask> tasks) {
    featurizer.ahead(tasks);
  }

  /**
   * The batch's windows in rounds that can be generated together: a live window continues the
   * latent of its stream's window before it, so a stream's second live window in the batch
   * waits for the round after its first. Other windows go in the first round.
   */
  private static List<List<WindowTask>> rounds(Collection<WindowTask> tasks) {
    List<List<WindowTask>> rounds = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    for (WindowTask task : tasks) {
      int earlier = seen.merge(task.getStreamId(), 1, Integer::sum) - 1;
      int round = live(task) ? earlier : 0;
      while (rounds.size() <= round) {
        rounds.add(new ArrayList<>());
      }
      rounds.get(round).add(task);
    }
    return rounds;
  }

  private static boolean live(WindowTask task) {
    return task.getGrid() != null && task.getGrid().getMode() == WindowMode.LIVE;
  }

  /**
   * The known leading latent frames of a live window that follows its stream's state: the
   * previous latent shifted by the distance between the two windows' starts (none while a
   * stream ramps up from its origin), provided the window still has frames of its own to sample.
   */
  private LatentPrefix prefix(WindowTask task, GeneratorState state) {
    if (!live(task) || state == null || state.getLatentFrames() == 0) {
      return null;
    }
    StreamTimeline timeline = AudioChunker.timeline(task, windowSamples(task),
        engine.sampleRate(), engine.samplesPerLatentFrame());
    if (!AudioChunker.follows(task, timeline, state)) {
      return null;
    }
    long shift = AudioChunker.offsetSamples(task, timeline) - state.getWindowOffsetSamples();
    if (shift % engine.samplesPerLatentFrame() != 0) {
      return null;
    }
    float[] previous = AudioChunker.floats(state.getLatent());
    int known = previous.length / engine.latentDim() - timeline.latentFrames(shift);
    int frames;
    try {
      frames = engine.sequenceAt(durationS(task)).latentLen();
    } catch (InvalidInputException e) {
      return null;
    }
    if (known < 1 || known >= frames) {
      return null;
    }
    return LatentPrefix.continuing(previous, engine.latentDim(), timeline.latentFrames(shift));
  }

  /**
   * Samples in a window: the model set's window, or the length of a shorter live window (a
   * stream's ramp-up), which is generated at its own duration.
   */
  private int windowSamples(WindowTask task) {
    long setMicros = Math.round(engine.modelSet().manifest().durationS() * 1_000_000);
    return task.getWindowDurationMicros() == setMicros ? engine.samplesPerWindow()
        : Math.toIntExact(StreamTimeline.samplesIn(task.getWindowDurationMicros(),
            engine.sampleRate()));
  }

  private double durationS(WindowTask task) {
    int samples = windowSamples(task);
    return samples == engine.samplesPerWindow() ? engine.modelSet().manifest().durationS()
        : samples / (double) engine.sampleRate();
  }

  /**
   * When each chunk whose last sample this window published was received: the latency from a
   * chunk to its audio ends when this window commits.
   */
  private static List<Instant> completedChunks(WindowTask task, AudioChunker.Cut cut) {
    List<Instant> received = new ArrayList<>();
    StreamTimeline.Region region = cut.region();
    for (int i = 0; i < task.getChunks().size() && i < task.getChunkReceivedAt().size(); i++) {
      VideoChunk chunk = task.getChunks().get(i);
      long end = cut.timeline().sampleAtOrAfter(chunk.getPtsStartMicros()
          + chunk.getDurationMicros());
      if (end > region.startSamples() && end <= region.endSamples()) {
        received.add(task.getChunkReceivedAt().get(i));
      }
    }
    return received;
  }

  private static boolean silent(WindowTask task) {
    return task.getGapPolicy() == GapPolicy.SILENCE && !task.getGaps().isEmpty();
  }

  /** Generates windows that share steps and guidance in one call; returns the nanoseconds. */
  private long generateGroup(List<WindowTask> group, Map<WindowTask, WindowFeaturizer.Result>
      features, Map<WindowTask, LatentPrefix> prefixes, Map<WindowTask, Integer> firstSamples,
      Map<WindowTask, GeneratedWindow> audio, Map<WindowTask, Exception> failures) {
    GenerationSettings first = group.get(0).getGeneration();
    io.foleystream.inference.GenerationSettings settings;
    try {
      settings = new io.foleystream.inference.GenerationSettings(first.getSteps(),
          first.getCfgStrength());
    } catch (InvalidInputException e) {
      group.forEach(t -> failures.put(t, new UngeneratableWindowException(e.getMessage(), e)));
      return 0;
    }
    List<WindowInput> inputs = new ArrayList<>();
    for (WindowTask task : group) {
      GenerationSettings g = task.getGeneration();
      inputs.add(new WindowInput(visual(task, features.get(task).features()),
          textOrNull(g.getPrompt()),
          textOrNull(g.getNegativePrompt()), new InitialNoise.Seeded(seed(task)),
          prefixes.get(task), firstSamples.get(task)));
    }
    long start = System.nanoTime();
    List<GeneratedWindow> generated;
    try {
      generated = generateWindows(group.get(0), inputs, settings);
    } catch (InvalidInputException e) {
      if (group.size() == 1) {
        failures.put(group.get(0), new UngeneratableWindowException(e.getMessage(), e));
        return System.nanoTime() - start;
      }
      long spent = System.nanoTime() - start;
      for (WindowTask task : group) {
        spent += generateGroup(List.of(task), features, prefixes, firstSamples, audio,
            failures);
      }
      return spent;
    }
    long nanos = System.nanoTime() - start;
    metrics.generationCall(nanos);
    for (int i = 0; i < group.size(); i++) {
      audio.put(group.get(i), generated.get(i));
      metrics.time(PipelineMetrics.Stage.GENERATION, nanos);
    }
    return nanos;
  }

  /**
   * A window's visual features as its stream asks: masked away CLIP rows keep only the
   * synchronisation features (MMAudio's {@code --mask_away_clip}); a window without video has
   * none to mask.
   */
  private VideoFeatures visual(WindowTask task, VideoFeatures video) {
    if (video == null || !task.getGeneration().getMaskAwayClip()) {
      return video;
    }
    return VisualConditioning.maskAwayClip(engine.modelSet(), engine.sequenceAt(durationS(task)),
        video);
  }

  /**
   * One engine call for windows of one length: the set's own path for full windows, the
   * any-duration path for shorter ones, whose sample count must come out exactly as long as the
   * window.
   */
  private List<GeneratedWindow> generateWindows(WindowTask first, List<WindowInput> inputs,
      io.foleystream.inference.GenerationSettings settings) {
    int samples = windowSamples(first);
    if (samples == engine.samplesPerWindow()) {
      return engine.generateWindows(inputs, settings, GenerationListener.NONE);
    }
    double durationS = durationS(first);
    if (engine.samplesAt(durationS) != samples) {
      throw new InvalidInputException("a window of " + samples + " samples cannot be generated"
          + " at that length: the engine gives " + engine.samplesAt(durationS));
    }
    return engine.generateWindowsAt(durationS, inputs, settings, GenerationListener.NONE);
  }

  /** An empty prompt means "none", as the control record's schema says. */
  private static String textOrNull(String text) {
    return text == null || text.isEmpty() ? null : text;
  }

  private static long seed(WindowTask task) {
    return WindowSeeds.derive(task.getGeneration().getSeed(), task.getStreamId(),
        task.getWindowIndex());
  }

  private GenerationParameters parameters(WindowTask task) {
    GenerationSettings g = task.getGeneration();
    return new GenerationParameters(engine.modelSet().manifest().variant(), seed(task),
        g.getSteps(), g.getCfgStrength(), sha256(g.getPrompt()), sha256(g.getNegativePrompt()));
  }

  private static String sha256(String text) {
    return Sha256.hex((text == null ? "" : text).getBytes(StandardCharsets.UTF_8));
  }
}
