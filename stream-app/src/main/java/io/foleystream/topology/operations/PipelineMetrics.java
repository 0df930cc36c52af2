package io.foleystream.topology.operations;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The application's own meters (Kafka's client and Streams metrics are bound beside them). Names
 * are Micrometer's dotted names; Prometheus shows them with underscores and unit suffixes.
 *
 * <table>
 *   <caption>meters</caption>
 *   <tr><th>name</th><th>tags</th><th>what</th></tr>
 *   <tr><td>foleystream.chunks.received</td><td></td><td>video chunks read</td></tr>
 *   <tr><td>foleystream.chunks.dropped</td><td>reason</td><td>duplicate, late, stopped,
 *       after-end</td></tr>
 *   <tr><td>foleystream.windows.assembled</td><td>completion</td><td>windows emitted by the
 *       assembler</td></tr>
 *   <tr><td>foleystream.windows.gaps.filled</td><td>policy</td><td>windows emitted with gaps,
 *       filled by the gap policy</td></tr>
 *   <tr><td>foleystream.windows.generated</td><td></td><td>windows whose audio was
 *       published</td></tr>
 *   <tr><td>foleystream.stage.latency</td><td>stage</td><td>queueing, decode, features,
 *       generation, publish, end-to-end</td></tr>
 *   <tr><td>foleystream.generation.batch.windows</td><td></td><td>windows per generation
 *       call</td></tr>
 *   <tr><td>foleystream.generation.calls</td><td></td><td>engine calls and the time spent in
 *       them (the bare model time of the generation stage)</td></tr>
 *   <tr><td>foleystream.x.real.time</td><td></td><td>speed as "x real time": audio seconds
 *       generated per wall-clock second of the last batch (above 1: faster than real
 *       time)</td></tr>
 *   <tr><td>foleystream.dlq.records</td><td>stage</td><td>records dead-lettered</td></tr>
 *   <tr><td>foleystream.streams.deleted</td><td></td><td>streams whose assembler state was
 *       deleted after their retention</td></tr>
 * </table>
 */
public final class PipelineMetrics {

  /** Pipeline stages timed by {@link #stage}. */
  public enum Stage {
    /** From the window's assembly to the start of its generation batch. */
    QUEUEING,
    /** Decoding and sampling the window's chunks. */
    DECODE,
    /** CLIP and Synchformer features. */
    FEATURES,
    /** Text features, conditions, Euler loop, decoder (the bare model time). */
    GENERATION,
    /** Producing the audio chunks and committing the transaction. */
    PUBLISH,
    /** From the window's last chunk received by the assembler to its audio committed. */
    END_TO_END;

    /** The tag value. */
    public String tag() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  private final MeterRegistry registry;
  private final Counter chunksReceived;
  private final Counter windowsGenerated;
  private final Counter streamsDeleted;
  private final Counter tailsDeleted;
  private final Counter windowAudio;
  private final DistributionSummary batchWindows;
  private final Timer generationCalls;
  private final AtomicLong realTimeFactorMilli = new AtomicLong();

  /**
   * Registers the meters.
   *
   * @param registry where they live
   */
  public PipelineMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.chunksReceived = Counter.builder("foleystream.chunks.received")
        .description("Video chunks read").register(registry);
    this.windowsGenerated = Counter.builder("foleystream.windows.generated")
        .description("Windows whose audio was published").register(registry);
    this.streamsDeleted = Counter.builder("foleystream.streams.deleted")
        .description("Streams whose assembler state was deleted after their retention")
        .register(registry);
    this.tailsDeleted = Counter.builder("foleystream.generator.states.deleted")
        .description("Streams whose generator state was deleted after their retention without"
            + " a window (idle streams that never sent an end of stream)").register(registry);
    this.windowAudio = Counter.builder("foleystream.generation.window.audio")
        .baseUnit("seconds").description("Seconds of window audio generated (a window's own"
            + " length: a live stream's ramp-up and a last partial window are shorter)")
        .register(registry);
    this.batchWindows = DistributionSummary.builder("foleystream.generation.batch.windows")
        .description("Windows per generation call").register(registry);
    this.generationCalls = Timer.builder("foleystream.generation.calls")
        .description("Engine calls (one per batch and settings) and the time spent in them")
        .register(registry);
    Gauge.builder("foleystream.x.real.time", realTimeFactorMilli, v -> v.get() / 1000.0)
        .description("Audio seconds generated per wall-clock second of the last batch (x real"
            + " time; above 1 is faster than real time)").register(registry);
  }

  /**
   * The registry the meters live in.
   *
   * @return the registry
   */
  public MeterRegistry registry() {
    return registry;
  }

  /** Counts a video chunk the assembler received. */
  public void chunkReceived() {
    chunksReceived.increment();
  }

  /**
   * Counts a dropped chunk.
   *
   * @param reason the drop's tag (duplicate, late, stopped, after-end)
   */
  public void chunkDropped(String reason) {
    registry.counter("foleystream.chunks.dropped", "reason", reason).increment();
  }

  /**
   * Counts an emitted window.
   *
   * @param completion why it was emitted, lower case
   */
  public void windowAssembled(String completion) {
    registry.counter("foleystream.windows.assembled", "completion", completion).increment();
  }

  /**
   * Counts a window emitted with gaps.
   *
   * @param policy the gap policy that fills them
   */
  public void gapFilled(String policy) {
    registry.counter("foleystream.windows.gaps.filled", "policy", policy).increment();
  }

  /**
   * Counts a dead letter.
   *
   * @param stage the stage that rejected the record
   */
  public void deadLettered(String stage) {
    registry.counter("foleystream.dlq.records", "stage", stage).increment();
  }

  /**
   * Counts committed windows.
   *
   * @param windows how many one transaction committed
   */
  public void windowsGenerated(int windows) {
    windowsGenerated.increment(windows);
  }

  /**
   * The seconds of window audio generated so far.
   *
   * @return the sum of the windows' own lengths
   */
  public double windowAudioSeconds() {
    return windowAudio.count();
  }

  /**
   * Records a generated batch.
   *
   * @param windows windows in it
   * @param audioSeconds the audio they cover
   * @param wallNanos the time the batch took
   */
  public void batch(int windows, double audioSeconds, long wallNanos) {
    batchWindows.record(windows);
    windowAudio.increment(audioSeconds);
    if (wallNanos > 0) {
      realTimeFactorMilli.set(Math.round(audioSeconds * 1e12 / wallNanos));
    }
  }

  /**
   * The timer of one stage.
   *
   * @param stage the stage
   * @return its timer
   */
  public Timer stage(Stage stage) {
    return Timer.builder("foleystream.stage.latency").tag("stage", stage.tag())
        .publishPercentiles(0.5, 0.95).register(registry);
  }

  /**
   * Records one engine call of the generation stage.
   *
   * @param nanos its duration
   */
  public void generationCall(long nanos) {
    generationCalls.record(nanos, TimeUnit.NANOSECONDS);
  }

  /**
   * The engine calls of the generation stage.
   *
   * @return their count and total time
   */
  public Timer generationCalls() {
    return generationCalls;
  }

  /**
   * Records a stage's time.
   *
   * @param stage the stage
   * @param nanos the time, negative counted as 0
   */
  public void time(Stage stage, long nanos) {
    stage(stage).record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
  }

  /**
   * Records the seam error of one join between windows (see the generator's chunker).
   *
   * @param error the RMS of the two renderings' difference over the RMS of the published
   *     signal; for windows that do not overlap, the step between them over the signal's RMS
   */
  public void seamError(double error) {
    seamErrors().record(Double.isInfinite(error) ? Double.MAX_VALUE : error);
  }

  /**
   * The seam errors of the joins so far.
   *
   * @return the summary (count, mean, max)
   */
  public DistributionSummary seamErrors() {
    return DistributionSummary.builder("foleystream.seam.error")
        .description("Seam error per join of two windows: RMS of the two renderings' difference"
            + " over the crossfade divided by the RMS of the published signal there (tumbling"
            + " windows: the step between them over the signal's RMS)")
        .publishPercentiles(0.5, 0.95).register(registry);
  }

  /**
   * Records the latency of one chunk: from its consumption by the assembler to the commit of the
   * audio covering its last sample.
   *
   * @param streamId the chunk's stream
   * @param nanos the latency
   */
  public void chunkLatency(String streamId, long nanos) {
    chunkLatency(streamId).record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
  }

  /**
   * The chunk latency timer of a stream.
   *
   * @param streamId the stream
   * @return its timer (percentiles 0.5 and 0.95)
   */
  public Timer chunkLatency(String streamId) {
    return Timer.builder("foleystream.chunk.latency").tag("stream", streamId)
        .description("From a video chunk's consumption to the commit of the audio covering its "
            + "last sample")
        .publishPercentiles(0.5, 0.95).register(registry);
  }

  /**
   * The speed of the last batch as "x real time".
   *
   * @return audio seconds per wall-clock second (above 1: faster than real time)
   */
  public double timesRealTime() {
    return realTimeFactorMilli.get() / 1000.0;
  }

  /** Counts a stream whose assembler state was deleted after its retention. */
  public void streamStateDeleted() {
    streamsDeleted.increment();
  }

  /**
   * Counts streams whose generator state was deleted after their retention.
   *
   * @param streams how many
   */
  public void generatorStatesDeleted(int streams) {
    tailsDeleted.increment(streams);
  }

  /**
   * Generator states deleted so far.
   *
   * @return the count
   */
  public double generatorStatesDeleted() {
    return tailsDeleted.count();
  }
}
