package io.foleystream.topology.generator;

import io.foleystream.inference.FoleyEngine;
import io.foleystream.inference.GenerationListener;
import io.foleystream.inference.InitialNoise;
import io.foleystream.inference.InvalidInputException;
import io.foleystream.inference.WindowInput;
import io.foleystream.media.MediaException;
import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.GapPolicy;
import io.foleystream.schemas.GenerationParameters;
import io.foleystream.schemas.GenerationSettings;
import io.foleystream.schemas.SilenceReason;
import io.foleystream.schemas.WindowTask;
import io.foleystream.topology.operations.PipelineMetrics;
import io.foleystream.topology.records.Sha256;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
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
 * strength), and cut each waveform into audio chunks.
 *
 * <p>A window's noise seed comes from {@link WindowSeeds}; the engine's output does not depend on
 * the batch a window is in, so the audio of a window is the same however it is batched.
 */
public final class WindowBatchGenerator implements GenerationStep {

  private static final Logger LOG = LoggerFactory.getLogger(WindowBatchGenerator.class);


  /** A window that cannot be generated, whatever is retried. */
  public static final class UngeneratableWindowException extends Exception {
    private static final long serialVersionUID = 1L;

    public UngeneratableWindowException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final FoleyEngine engine;
  private final WindowFeaturizer featurizer;
  private final AudioChunker chunker;
  private final PipelineMetrics metrics;

  public WindowBatchGenerator(FoleyEngine engine, WindowFeaturizer featurizer, AudioChunker chunker,
      PipelineMetrics metrics) {
    this.engine = engine;
    this.featurizer = featurizer;
    this.chunker = chunker;
    this.metrics = metrics;
  }

  @Override
  public List<Outcome> generate(List<WindowTask> tasks,
      Function<WindowTask, AudioChunk> committedTails, Predicate<WindowTask> skipped)
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
          continue;
        }
        if (skipped.test(task)) {
          // A skipped window needs no media work: it is late already.
          continue;
        }
        WindowFeaturizer.Result result = featurizer.featurize(task);
        metrics.time(PipelineMetrics.Stage.DECODE, result.decodeNanos());
        metrics.time(PipelineMetrics.Stage.FEATURES, result.featureNanos());
        features.put(task, result);
      }
    }
    Map<WindowTask, float[]> audio = new LinkedHashMap<>();
    for (WindowTask task : tasks) {
      if (skipped.test(task) && !failures.containsKey(task)) {
        audio.put(task, new float[engine.samplesPerWindow()]);
      }
    }
    Map<List<Object>, List<WindowTask>> groups = new LinkedHashMap<>();
    for (WindowTask task : features.keySet()) {
      if (silent(task)) {
        audio.put(task, new float[engine.samplesPerWindow()]);
      } else {
        GenerationSettings g = task.getGeneration();
        groups.computeIfAbsent(List.of(g.getSteps(), g.getCfgStrength()), k -> new ArrayList<>())
            .add(task);
      }
    }
    long generated = 0;
    for (List<WindowTask> group : groups.values()) {
      generated += generateGroup(group, features, audio, failures);
    }
    Instant now = Instant.now();
    List<Outcome> outcomes = new ArrayList<>();
    // A stream's windows come in order; a later window of the batch fades from an earlier one.
    Map<String, AudioChunker.TailUpdate> batchTails = new HashMap<>();
    for (WindowTask task : tasks) {
      WindowFeaturizer.Result result = features.get(task);
      List<WindowFeaturizer.BadChunk> bad = result == null ? List.of() : result.badChunks();
      float[] waveform = audio.get(task);
      if (waveform == null) {
        outcomes.add(new Outcome(task, List.of(), null, bad, failures.get(task)));
      } else {
        AudioChunker.TailUpdate earlier = batchTails.get(task.getStreamId());
        AudioChunk tail = earlier != null ? earlier.tail() : committedTails.apply(task);
        AudioChunker.Cut cut = chunker.cut(task, waveform, engine.sampleRate(), parameters(task),
            now, tail);
        if (cut.tailUpdate() != null) {
          batchTails.put(task.getStreamId(), cut.tailUpdate());
        }
        SilenceReason silence = skipped.test(task) ? SilenceReason.DEADLINE_MISSED
            : silent(task) ? SilenceReason.GAP : null;
        cut.chunks().forEach(c -> c.setSilenceReason(silence));
        outcomes.add(new Outcome(task, cut.chunks(), cut.tailUpdate(), bad, null));
      }
    }
    double audioSeconds = audio.size() * engine.modelSet().manifest().durationS();
    metrics.batch(audio.size(), audioSeconds, System.nanoTime() - batchStart);
    LOG.debug("batch of {} window(s) in {} ms ({} ms generating)", tasks.size(),
        (System.nanoTime() - batchStart) / 1_000_000, generated / 1_000_000);
    return outcomes;
  }

  private static boolean silent(WindowTask task) {
    return task.getGapPolicy() == GapPolicy.SILENCE && !task.getGaps().isEmpty();
  }

  /** Generates windows that share steps and guidance in one call; returns the nanoseconds. */
  private long generateGroup(List<WindowTask> group, Map<WindowTask, WindowFeaturizer.Result>
      features, Map<WindowTask, float[]> audio, Map<WindowTask, Exception> failures) {
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
      inputs.add(new WindowInput(features.get(task).features(), textOrNull(g.getPrompt()),
          textOrNull(g.getNegativePrompt()), new InitialNoise.Seeded(seed(task))));
    }
    long start = System.nanoTime();
    List<float[]> waveforms;
    try {
      waveforms = engine.generate(inputs, settings, GenerationListener.NONE);
    } catch (InvalidInputException e) {
      if (group.size() == 1) {
        failures.put(group.get(0), new UngeneratableWindowException(e.getMessage(), e));
        return System.nanoTime() - start;
      }
      long spent = System.nanoTime() - start;
      for (WindowTask task : group) {
        spent += generateGroup(List.of(task), features, audio, failures);
      }
      return spent;
    }
    long nanos = System.nanoTime() - start;
    metrics.generationCall(nanos);
    for (int i = 0; i < group.size(); i++) {
      audio.put(group.get(i), waveforms.get(i));
      metrics.time(PipelineMetrics.Stage.GENERATION, nanos);
    }
    return nanos;
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
