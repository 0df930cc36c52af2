package io.foleystream.topology.assembler;

import io.foleystream.schemas.RecordPosition;
import io.foleystream.schemas.StreamAssembly;
import io.foleystream.schemas.StreamControl;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.WindowTask;
import io.foleystream.topology.operations.PipelineMetrics;
import io.foleystream.topology.records.TimelineBounds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
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
 * second) emits the windows of streams that have been idle for the idle timeout, and the windows
 * that the per-record cap of the {@link TimelineBounds} deferred, up to the per-punctuation cap.
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
  private StreamAssembler assembler;
  /** The stream a punctuation visited last: the next one starts after it, so none starves. */
  private String lastVisited = "";

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
    KeyValueStore<String, VideoChunk> chunks = context.getStateStore(stores.chunks());
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
    context.schedule(IDLE_CHECK, PunctuationType.WALL_CLOCK_TIME, this::emitIdleStreams);
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
  }

  private void emitIdleStreams(long now) {
    List<KeyValue<String, StreamAssembly>> idle = new ArrayList<>();
    try (KeyValueIterator<String, StreamAssembly> all = assemblies.all()) {
      all.forEachRemaining(idle::add);
    }
    int budget = bounds.maxWindowsPerPunctuation();
    int first = 0;
    while (first < idle.size() && idle.get(first).key.compareTo(lastVisited) <= 0) {
      first++;
    }
    for (int i = 0; i < idle.size() && budget > 0; i++) {
      KeyValue<String, StreamAssembly> entry = idle.get((first + i) % idle.size());
      lastVisited = entry.key;
      StreamAssembler.Outcome outcome = assembler.idle(entry.value, controls.get(entry.key), now);
      if (!outcome.windows().isEmpty()) {
        LOG.info("stream {}: idle for {} ms, emitting {} window(s) as they are", entry.key,
            settings.idleTimeoutMillis(), outcome.windows().size());
      } else {
        outcome = assembler.deferred(entry.value, controls.get(entry.key), now);
      }
      if (!outcome.windows().isEmpty()) {
        assemblies.put(entry.key, outcome.state());
        forward(outcome.windows(), now);
        budget -= outcome.windows().size();
      }
    }
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
