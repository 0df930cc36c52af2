package io.foleystream.topology.assembler;

import io.foleystream.schemas.BufferedChunk;
import io.foleystream.schemas.RecordPosition;
import io.foleystream.schemas.StreamAssembly;
import io.foleystream.schemas.StreamControl;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.WindowTask;
import io.foleystream.topology.operations.PipelineMetrics;
import io.foleystream.topology.records.TimelineBounds;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The window assembler node: keeps each stream's {@link StreamAssembly} and its buffered chunks
 * in persistent, changelogged stores, applies {@link StreamAssembler}'s rules to every chunk, and
 * forwards the windows it emits to the window task topic. A wall-clock punctuation (every
 * second) emits the windows of streams that have been idle for the idle timeout, and deletes
 * the state of streams whose retention passed, and the windows that the per-record cap of the
 * {@link TimelineBounds} deferred, up to the per-punctuation cap; it looks only at the streams
 * due ({@link StreamWakeups}), not at every stream in the store.
 */
final class WindowAssemblerProcessor implements Processor<String, VideoChunk, String, WindowTask> {

  private static final Logger LOG = LoggerFactory.getLogger(WindowAssemblerProcessor.class);
  private static final Duration IDLE_CHECK = Duration.ofSeconds(1);

  private final AssemblerSettings settings;
  private final TimelineBounds bounds;
  private final AssemblerStores stores;
  private final String videoTopic;
  private final PipelineMetrics metrics;
  private ProcessorContext<String, WindowTask> context;
  private KeyValueStore<String, StreamAssembly> assemblies;
  private KeyValueStore<String, StreamControl> controls;
  private KeyValueStore<String, VideoChunk> chunks;
  private final StreamWakeups wakeups = new StreamWakeups();
  private StreamAssembler assembler;

  WindowAssemblerProcessor(AssemblerSettings settings, TimelineBounds bounds,
      AssemblerStores stores, String videoTopic, PipelineMetrics metrics) {
    this.settings = settings;
    this.bounds = bounds;
    this.stores = stores;
    this.videoTopic = videoTopic;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, WindowTask> context) {
    this.context = context;
    assemblies = context.getStateStore(stores.assemblies());
    controls = context.getStateStore(stores.controls());
    chunks = context.getStateStore(stores.chunks());
    assembler = new StreamAssembler(settings, bounds, new StreamAssembler.ChunkStore() {
      @Override
      public VideoChunk get(String streamId, long sequence) {
        return chunks.get(AssemblerStores.chunkKey(streamId, sequence));
      }

      @Override
      public void put(String streamId, long sequence, VideoChunk chunk) {
        chunks.put(AssemblerStores.chunkKey(streamId, sequence), chunk);
      }

      @Override
      public void delete(String streamId, long sequence) {
        chunks.delete(AssemblerStores.chunkKey(streamId, sequence));
      }
    }, videoTopic);
    try (KeyValueIterator<String, StreamAssembly> all = assemblies.all()) {
      all.forEachRemaining(e -> schedule(e.key, e.value));
    }
    context.schedule(IDLE_CHECK, PunctuationType.WALL_CLOCK_TIME, this::emitIdleStreams);
  }

  /**
   * The stream's next wake-up: its idle timeout while that is ahead, then the end of its
   * retention (an ended stream: the end of its retention only).
   */
  private void schedule(String streamId, StreamAssembly state) {
    if (state.getLastChunkAt() == null) {
      wakeups.cancel(streamId);
      return;
    }
    long last = state.getLastChunkAt().toEpochMilli();
    long idleAt = last + settings.idleTimeoutMillis();
    long now = context.currentSystemTimeMs();
    if (settings.idleTimeoutMillis() > 0 && !state.getEnded() && idleAt > now) {
      wakeups.schedule(streamId, idleAt);
    } else if (settings.retentionMillis() > 0) {
      wakeups.schedule(streamId, Math.max(idleAt, last + settings.retentionMillis()));
    } else if (settings.idleTimeoutMillis() > 0 && !state.getEnded()) {
      wakeups.schedule(streamId, idleAt);
    } else {
      wakeups.cancel(streamId);
    }
  }

  @Override
  public void process(Record<String, VideoChunk> record) {
    metrics.chunkReceived();
    String streamId = record.key();
    RecordPosition position = context.recordMetadata()
        .map(m -> new RecordPosition(m.topic(), m.partition(), m.offset())).orElse(null);
    StreamAssembler.Outcome outcome = assembler.accept(assemblies.get(streamId), record.value(),
        position, controls.get(streamId), context.currentSystemTimeMs());
    if (outcome.dropped() != null) {
      metrics.chunkDropped(outcome.dropped().tag());
      LOG.debug("stream {}: chunk {} dropped ({})", streamId, record.value().getSequence(),
          outcome.dropped().tag());
    }
    assemblies.put(streamId, outcome.state());
    forward(outcome.windows(), record.timestamp());
    if (outcome.windows().size() >= bounds.maxWindowsPerRecord()) {
      // The cap may have deferred more: the next punctuation emits them.
      wakeups.schedule(streamId, context.currentSystemTimeMs());
    } else {
      schedule(streamId, outcome.state());
    }
  }

  /**
   * Emits what idle streams have left and the windows the per-record cap deferred, at most the
   * per-punctuation cap (streams past it wait for the next punctuation), and deletes the state of
   * streams past retention.
   */
  private void emitIdleStreams(long now) {
    int budget = bounds.maxWindowsPerPunctuation();
    for (String streamId : wakeups.due(now)) {
      StreamAssembly state = assemblies.get(streamId);
      if (state == null) {
        continue;
      }
      if (budget <= 0) {
        wakeups.schedule(streamId, now);
        continue;
      }
      StreamAssembler.Outcome outcome = assembler.idle(state, controls.get(streamId), now);
      if (!outcome.windows().isEmpty()) {
        LOG.info("stream {}: idle for {} ms, emitting {} window(s) as they are", streamId,
            settings.idleTimeoutMillis(), outcome.windows().size());
      } else {
        outcome = assembler.deferred(state, controls.get(streamId), now);
      }
      if (!outcome.windows().isEmpty()) {
        assemblies.put(streamId, outcome.state());
        forward(outcome.windows(), now);
        budget -= outcome.windows().size();
        if (outcome.windows().size() >= bounds.maxWindowsPerRecord()) {
          wakeups.schedule(streamId, now);
          continue;
        }
      }
      long last = outcome.state().getLastChunkAt().toEpochMilli();
      if (settings.retentionMillis() > 0 && now - last >= settings.retentionMillis()) {
        delete(streamId, outcome.state());
      } else {
        schedule(streamId, outcome.state());
      }
    }
  }

  /**
   * Deletes everything the assembler keeps of a stream (tombstones in the three changelogs): a
   * chunk of it that arrives later starts the stream afresh, with the application's defaults
   * until a control record arrives again.
   */
  private void delete(String streamId, StreamAssembly state) {
    for (BufferedChunk c : state.getChunks()) {
      chunks.delete(AssemblerStores.chunkKey(streamId, c.getSequence()));
    }
    assemblies.delete(streamId);
    controls.delete(streamId);
    metrics.streamStateDeleted();
    LOG.info("stream {}: state deleted, its retention of {} ms after its last chunk passed",
        streamId, settings.retentionMillis());
  }

  private void forward(List<WindowTask> windows, long timestamp) {
    for (WindowTask task : windows) {
      metrics.windowAssembled(task.getCompletion().name().toLowerCase(java.util.Locale.ROOT));
      if (!task.getGaps().isEmpty()) {
        metrics.gapFilled(task.getGapPolicy().name());
      }
      try (MDC.MDCCloseable s = MDC.putCloseable("streamId", task.getStreamId());
          MDC.MDCCloseable w = MDC.putCloseable("window", String.valueOf(task.getWindowIndex()))) {
        LOG.info("window assembled: start {} us, {} chunk(s), covered {} of {} us, {}",
            task.getWindowStartMicros(), task.getChunks().size(), task.getCoveredMicros(),
            task.getWindowDurationMicros(), task.getCompletion());
      }
      context.forward(new Record<>(task.getStreamId(), task, timestamp));
    }
  }
}
