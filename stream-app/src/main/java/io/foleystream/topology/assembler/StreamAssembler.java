package io.foleystream.topology.assembler;

import io.foleystream.schemas.BufferedChunk;
import io.foleystream.schemas.GapPolicy;
import io.foleystream.schemas.RecordPosition;
import io.foleystream.schemas.StreamAssembly;
import io.foleystream.schemas.StreamControl;
import io.foleystream.schemas.StreamState;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.WindowCompletion;
import io.foleystream.schemas.WindowGrid;
import io.foleystream.schemas.WindowMode;
import io.foleystream.schemas.WindowTask;
import io.foleystream.topology.records.TimelineBounds;
import io.foleystream.topology.timeline.StreamTimeline;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The window assembler's rules for one stream, free of Kafka: which chunks it keeps, when a
 * window is emitted, what the emitted {@link WindowTask} holds. The Streams processor ({@link
 * WindowAssemblerProcessor}) keeps the state and the chunks in its stores and calls this.
 *
 * <h2>Windows</h2>
 * Window 0 starts at the origin: the control record's {@code originPtsMicros}, else the start of
 * the earliest chunk received before window 0 is emitted. Window k+1 starts one hop after window
 * k, the hop being the one in force when window k was emitted, so a hop change applies from the
 * next window. A window covers {@code [start, start + duration)}. A LIVE stream that ramps up
 * ({@link AssemblerSettings.AudioGrid#rampUp}) starts with shorter windows from the origin, each
 * ending one hop after the one before, until a window reaches full length ({@link
 * StreamTimeline#window}); the state keeps each next window's grid offset, below 0 until then.
 *
 * <h2>When a window is emitted</h2>
 * In window order, never out of it:
 * <ul>
 *   <li>{@code COMPLETE} as soon as chunks cover it entirely;
 *   <li>{@code END_OF_STREAM} when the stream's end (the end of its {@code endOfStream} chunk)
 *       lies inside it and chunks cover it up to that end;
 *   <li>{@code GRACE_EXPIRED}, with its gaps, once the stream time (the latest chunk end
 *       received) passed the window end by more than the grace time, or when every chunk up to the end of
 *       the stream arrived and the gap can never be filled, or when no chunk arrived for the idle
 *       timeout (wall clock).
 * </ul>
 * Windows that start at or after the stream's end are not emitted.
 *
 * <h2>Chunks dropped</h2>
 * A chunk whose sequence number is already buffered is a duplicate; one that ends before the
 * next window starts is late (nothing it covers can still be emitted); chunks of a stopped stream
 * are dropped (and the windows they span are skipped); after the last window, chunks up to the
 * end sequence are dropped, while a higher sequence starts the stream afresh.
 */
final class StreamAssembler {

  /** One frame of the 8 fps CLIP grid. */
  private static final long CLIP_FRAME_MICROS = 125_000;
  /** One Synchformer segment, 16 frames at 25 fps: the shortest window the model takes. */
  private static final long SHORTEST_WINDOW_MICROS = 640_000;

  /** Where the assembler keeps the buffered chunks themselves. */
  interface ChunkStore {
    /** The chunk with this sequence number, or null. */
    VideoChunk get(String streamId, long sequence);

    /** Keeps a chunk. */
    void put(String streamId, long sequence, VideoChunk chunk);

    /** Forgets a chunk. */
    void delete(String streamId, long sequence);
  }

  /** Why a chunk was dropped. */
  enum Drop {
    /** Its sequence number is already buffered. */
    DUPLICATE,
    /** It ends before the next window to emit starts. */
    LATE,
    /** The stream is stopped. */
    STOPPED,
    /** The stream ended and the chunk is not after its end. */
    AFTER_END;

    /** The metric tag. */
    String tag() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * What handling one chunk or one idle check did.
   *
   * @param state the stream's state to store
   * @param dropped why the chunk was dropped, or null when it was kept (or there was none)
   * @param windows the windows emitted, in order
   */
  record Outcome(StreamAssembly state, Drop dropped, List<WindowTask> windows) {}

  private final AssemblerSettings settings;
  private final TimelineBounds bounds;
  private final ChunkStore store;
  private final String videoTopic;

  StreamAssembler(AssemblerSettings settings, ChunkStore store, String videoTopic) {
    this(settings, TimelineBounds.defaults(), store, videoTopic);
  }

  /**
   * @param settings window rules and defaults
   * @param bounds the timeline's bounds: the assembler applies the origin distance and the
   *     per-record window cap (the decoder checked the rest before the chunk got here)
   * @param store where the buffered chunks are kept
   * @param videoTopic the topic chunk positions refer to
   */
  StreamAssembler(AssemblerSettings settings, TimelineBounds bounds, ChunkStore store,
      String videoTopic) {
    this.settings = settings;
    this.bounds = bounds;
    this.store = store;
    this.videoTopic = videoTopic;
  }

  /**
   * Takes one chunk and emits every window it completes.
   *
   * @param current the stream's state, or null for a new stream
   * @param chunk the chunk, already checked to be well-formed
   * @param position where it was read from, or null
   * @param control the stream's control record, or null
   * @param nowMillis wall-clock time
   * @return the new state, whether the chunk was dropped, the windows emitted
   */
  Outcome accept(StreamAssembly current, VideoChunk chunk, RecordPosition position,
      StreamControl control, long nowMillis) {
    String streamId = chunk.getStreamId();
    StreamAssembly state = current == null ? fresh(streamId) : current;
    long sequence = chunk.getSequence();
    if (state.getEnded()) {
      if (state.getEndSequence() != null && sequence <= state.getEndSequence()) {
        return new Outcome(state, Drop.AFTER_END, List.of());
      }
      state = fresh(streamId);
    }
    long chunkEnd = TimelineBounds.saturatedAdd(chunk.getPtsStartMicros(),
        chunk.getDurationMicros());
    if (control != null && control.getState() == StreamState.STOPPED) {
      skipWindowsBefore(state, chunkEnd, control);
      // A stopped stream's timeline still moves on, so its chunks after a resume are no jump.
      state.setMaxEndMicros(state.getMaxEndMicros() == null ? chunkEnd
          : Math.max(state.getMaxEndMicros(), chunkEnd));
      state.setLastChunkAt(Instant.ofEpochMilli(nowMillis));
      return new Outcome(state, Drop.STOPPED, List.of());
    }
    if (buffered(state, sequence) != null) {
      return new Outcome(state, Drop.DUPLICATE, List.of());
    }
    if (state.getOriginFixed() && chunkEnd <= state.getNextWindowStartMicros()) {
      return new Outcome(state, Drop.LATE, List.of());
    }
    store.put(streamId, sequence, chunk);
    List<BufferedChunk> chunks = new ArrayList<>(state.getChunks());
    chunks.add(new BufferedChunk(sequence, chunk.getPtsStartMicros(), chunk.getDurationMicros(),
        chunk.getEndOfStream(), position == null ? -1 : position.getPartition(),
        position == null ? -1L : position.getOffset(), Instant.ofEpochMilli(nowMillis)));
    chunks.sort(Comparator.comparingLong(BufferedChunk::getSequence));
    state.setChunks(chunks);
    state.setAcceptedChunks(state.getAcceptedChunks() + 1);
    state.setFirstSequence(state.getFirstSequence() == null ? sequence
        : Math.min(state.getFirstSequence(), sequence));
    state.setMaxEndMicros(state.getMaxEndMicros() == null ? chunkEnd
        : Math.max(state.getMaxEndMicros(), chunkEnd));
    state.setLastChunkAt(Instant.ofEpochMilli(nowMillis));
    if (chunk.getEndOfStream()) {
      state.setEndSequence(sequence);
      state.setEndMicros(chunkEnd);
    }
    if (!state.getOriginFixed()) {
      placeOrigin(state, control);
    }
    return new Outcome(state, null, emitReady(state, control, nowMillis, false));
  }

  /**
   * Emits what is left of a stream that has been idle for the idle timeout.
   *
   * @param state the stream's state
   * @param control the stream's control record, or null
   * @param nowMillis wall-clock time
   * @return the state and the windows emitted (none if the stream is not idle)
   */
  Outcome idle(StreamAssembly state, StreamControl control, long nowMillis) {
    long timeout = settings.idleTimeoutMillis();
    if (timeout == 0 || state.getEnded() || state.getLastChunkAt() == null
        || state.getNextWindowStartMicros() == null
        || nowMillis - state.getLastChunkAt().toEpochMilli() < timeout) {
      return new Outcome(state, null, List.of());
    }
    return new Outcome(state, null, emitReady(state, control, nowMillis, true));
  }

  /**
   * Emits the windows that were ready but deferred by the per-record window cap.
   *
   * @param state the stream's state
   * @param control the stream's control record, or null
   * @param nowMillis wall-clock time
   * @return the state and the windows emitted (none when nothing was deferred)
   */
  Outcome deferred(StreamAssembly state, StreamControl control, long nowMillis) {
    // Before window 0 nothing was deferred; an ended stream, or one without a next window,
    // emitReady leaves alone.
    if (!state.getOriginFixed()) {
      return new Outcome(state, null, List.of());
    }
    return new Outcome(state, null, emitReady(state, control, nowMillis, false));
  }

  private static StreamAssembly fresh(String streamId) {
    return StreamAssembly.newBuilder().setStreamId(streamId).build();
  }

  private static BufferedChunk buffered(StreamAssembly state, long sequence) {
    for (BufferedChunk c : state.getChunks()) {
      if (c.getSequence() == sequence) {
        return c;
      }
    }
    return null;
  }

  /**
   * Before window 0: the control record's origin, else the earliest buffered chunk start. An
   * origin further from the earliest chunk than the bounds allow is ignored (the control decoder
   * dead-letters such an origin when the stream's chunks were there before it).
   */
  private void placeOrigin(StreamAssembly state, StreamControl control) {
    long earliest = Long.MAX_VALUE;
    for (BufferedChunk c : state.getChunks()) {
      earliest = Math.min(earliest, c.getStartMicros());
    }
    if (control != null && control.getOriginPtsMicros() != null
        && bounds.originAllowed(control.getOriginPtsMicros(), earliest)) {
      state.setOriginMicros(control.getOriginPtsMicros());
      state.setOriginFixed(true);
    } else {
      state.setOriginMicros(earliest);
    }
    state.setNextWindowStartMicros(state.getOriginMicros());
  }

  /** While stopped: windows that start before {@code untilMicros} are skipped. */
  private void skipWindowsBefore(StreamAssembly state, long untilMicros, StreamControl control) {
    if (!state.getOriginFixed()) {
      return;
    }
    if (state.getNextWindowStartMicros() < untilMicros) {
      skipTo(state, untilMicros, control);
    }
    prune(state);
  }

  /** Moves the next window to the first on the grid that starts at or after a PTS. */
  private void skipTo(StreamAssembly state, long untilMicros, StreamControl control) {
    // In one step rather than hop by hop: a long pause must not cost a loop per window.
    StreamTimeline timeline = settings.timeline(control, state.getOriginMicros());
    long hop = timeline.hopSamples(settings.hopMicros(control));
    long next = nextOffsetSamples(state, timeline, control);
    long windows;
    long skippedTo;
    long skippedToMicros;
    try {
      windows = Math.max(1, Math.floorDiv(Math.addExact(Math.subtractExact(
          timeline.sampleAtOrAfter(untilMicros), next), hop - 1), hop));
      skippedTo = Math.addExact(next, Math.multiplyExact(windows, hop));
      skippedToMicros = timeline.micros(skippedTo);
    } catch (ArithmeticException e) {
      // A chunk further from the origin than samples can count (centuries): nothing on this
      // timeline to skip to; the stream's next window stays where it was.
      return;
    }
    state.setNextWindowOffsetSamples(skippedTo);
    state.setGridSampleRate(timeline.sampleRate());
    state.setNextWindowStartMicros(skippedToMicros);
    state.setNextWindowIndex(state.getNextWindowIndex() + windows);
  }

  private List<WindowTask> emitReady(StreamAssembly state, StreamControl control,
      long nowMillis, boolean idle) {
    List<WindowTask> emitted = new ArrayList<>();
    while (state.getNextWindowStartMicros() != null && !state.getEnded()
        && emitted.size() < bounds.maxWindowsPerRecord()) {
      long start = state.getNextWindowStartMicros();
      long end = windowEndMicros(state, control, start);
      Long streamEnd = state.getEndMicros();
      if (streamEnd != null && start >= streamEnd) {
        finish(state);
        break;
      }
      long maxEnd = state.getMaxEndMicros() == null ? Long.MIN_VALUE : state.getMaxEndMicros();
      if (idle && streamEnd == null && start >= maxEnd) {
        break;
      }
      long target = streamEnd == null ? end : Math.min(end, streamEnd);
      Coverage coverage = Coverage.of(spans(state), start, target,
          settings.coverageToleranceMicros());
      boolean graceExpired = maxEnd > TimelineBounds.saturatedAdd(end, settings.graceMicros())
          || allChunksArrived(state);
      if (!coverage.complete() && !graceExpired && !idle) {
        break;
      }
      WindowTask task = task(state, control, start, target, coverage, nowMillis);
      emitted.add(task);
      state.setOriginFixed(true);
      StreamTimeline timeline = settings.timeline(control, state.getOriginMicros());
      if (publishesToTheEnd(task, streamEnd, timeline)) {
        finish(state);
        break;
      }
      advance(state, control);
      prune(state);
    }
    return emitted;
  }

  /**
   * The next window's grid offset on the stream's sample grid ({@link StreamTimeline}: its start
   * when it has full length; below 0 while a LIVE stream ramps up). Window 0's is decided when
   * it is emitted, with the mode and hop then in force. A state stored before the grid was kept
   * in samples, or on another sample rate, starts from the first sample at or after its next
   * window's PTS; a ramp left for TUMBLING windows goes on with a full window at the origin.
   */
  private long nextOffsetSamples(StreamAssembly state, StreamTimeline timeline,
      StreamControl control) {
    if (state.getNextWindowIndex() == 0) {
      return timeline.firstGridOffsetSamples(timeline.hopSamples(settings.hopMicros(control)),
          settings.audio().rampUp());
    }
    Long offset = state.getNextWindowOffsetSamples();
    Integer rate = state.getGridSampleRate();
    if (offset != null && rate != null && rate == timeline.sampleRate()) {
      return timeline.mode() == WindowMode.LIVE ? offset : Math.max(0, offset);
    }
    return timeline.sampleAtOrAfter(state.getNextWindowStartMicros());
  }

  /**
   * The end of the next window: a whole window after its start, or for a window of a LIVE
   * stream's ramp-up, the PTS of its end on the sample grid.
   */
  private long windowEndMicros(StreamAssembly state, StreamControl control, long startMicros) {
    StreamTimeline timeline = settings.timeline(control, state.getOriginMicros());
    long offset = nextOffsetSamples(state, timeline, control);
    if (offset < 0) {
      return timeline.micros(timeline.window(offset).endSamples());
    }
    return TimelineBounds.saturatedAdd(startMicros, settings.durationMicros());
  }

  /** Moves the next window one hop on, in samples, so that no rounding accumulates. */
  private void advance(StreamAssembly state, StreamControl control) {
    StreamTimeline timeline = settings.timeline(control, state.getOriginMicros());
    long next = nextOffsetSamples(state, timeline, control)
        + timeline.hopSamples(settings.hopMicros(control));
    state.setNextWindowOffsetSamples(next);
    state.setGridSampleRate(timeline.sampleRate());
    state.setNextWindowStartMicros(timeline.micros(timeline.window(next).startSamples()));
    state.setNextWindowIndex(state.getNextWindowIndex() + 1);
  }

  /**
   * Whether a live window's region reaches the stream's end: it publishes the rest of the stream,
   * and a later window, which starts before the end but whose region would begin after it, would
   * publish its audio a second time.
   */
  private static boolean publishesToTheEnd(WindowTask task, Long streamEnd,
      StreamTimeline timeline) {
    if (streamEnd == null || timeline.mode() != WindowMode.LIVE) {
      return false;
    }
    // The window's own length (a ramp-up window is shorter) less the margin: a ramp-up window
    // is never shorter than the margin and a latent frame (StreamTimeline#firstWindowSamples).
    long windowSamples = StreamTimeline.samplesIn(task.getWindowDurationMicros(),
        timeline.sampleRate());
    return timeline.sampleAtOrAfter(streamEnd)
        <= task.getGrid().getOffsetSamples() + windowSamples - timeline.marginSamples();
  }

  private static boolean allChunksArrived(StreamAssembly state) {
    return state.getEndSequence() != null && state.getFirstSequence() != null
        && state.getAcceptedChunks() >= state.getEndSequence() - state.getFirstSequence() + 1;
  }

  private static List<Coverage.Span> spans(StreamAssembly state) {
    List<Coverage.Span> spans = new ArrayList<>();
    for (BufferedChunk c : state.getChunks()) {
      spans.add(new Coverage.Span(c.getStartMicros(), c.getStartMicros() + c.getDurationMicros()));
    }
    return spans;
  }

  private WindowTask task(StreamAssembly state, StreamControl control, long start, long target,
      Coverage coverage, long nowMillis) {
    long end = windowEndMicros(state, control, start);
    List<VideoChunk> chunks = new ArrayList<>();
    List<RecordPosition> sources = new ArrayList<>();
    List<Instant> received = new ArrayList<>();
    for (BufferedChunk c : state.getChunks()) {
      if (c.getStartMicros() < end && c.getStartMicros() + c.getDurationMicros() > start) {
        VideoChunk chunk = store.get(state.getStreamId(), c.getSequence());
        if (chunk == null) {
          throw new IllegalStateException("chunk " + c.getSequence() + " of stream "
              + state.getStreamId() + " is missing from the chunk store");
        }
        chunks.add(chunk);
        sources.add(new RecordPosition(videoTopic, c.getPartition(), c.getOffset()));
        received.add(c.getReceivedAt() != null ? c.getReceivedAt()
            : Instant.ofEpochMilli(nowMillis));
      }
    }
    WindowCompletion completion;
    if (target < end) {
      completion = WindowCompletion.END_OF_STREAM;
    } else {
      completion = coverage.complete() ? WindowCompletion.COMPLETE
          : WindowCompletion.GRACE_EXPIRED;
    }
    StreamTimeline timeline = settings.timeline(control, state.getOriginMicros());
    long offset = nextOffsetSamples(state, timeline, control);
    long hop = timeline.hopSamples(settings.hopMicros(control));
    StreamTimeline.Window window = timeline.window(offset);
    // A ramp-up window's hop is how far its end moves on, the distance between full windows.
    long hopMicros = offset < 0 ? timeline.micros(window.endSamples() + hop) - end
        : timeline.micros(offset + hop) - start;
    return WindowTask.newBuilder()
        .setStreamId(state.getStreamId())
        .setWindowIndex(state.getNextWindowIndex())
        .setWindowStartMicros(start)
        .setWindowDurationMicros(offset < 0 ? end - start
            : completion == WindowCompletion.END_OF_STREAM && timeline.mode() == WindowMode.TUMBLING
                ? lastWindowMicros(target - start, settings.durationMicros())
                : settings.durationMicros())
        .setHopMicros(hopMicros)
        .setGrid(new WindowGrid(timeline.mode(), timeline.originMicros(), window.startSamples(),
            hop, timeline.sampleRate(), timeline.marginSamples()))
        .setChunkReceivedAt(received)
        .setGeneration(settings.generationSettings(control))
        .setChunks(chunks)
        .setChunkSources(sources)
        .setCoveredMicros(coverage.coveredMicros())
        .setGaps(coverage.gaps())
        .setCompletion(completion)
        .setGapPolicy(coverage.complete() ? GapPolicy.NONE : settings.gapPolicy())
        .setAssembledAt(Instant.ofEpochMilli(nowMillis))
        .setLastChunkAt(state.getLastChunkAt())
        .build();
  }

  /**
   * The duration a tumbling stream's last window is generated at: what the stream covers of it,
   * as the official code generates a short clip at the duration its frames cover, rounded up to
   * a whole CLIP frame (125 ms, so that both frame grids and the model's lengths agree exactly;
   * the few frames past the stream's end repeat its last frame, and their audio is not
   * published). A window shorter than the model takes (one Synchformer segment, 0.64 s) keeps
   * the full length and is cut, as before.
   */
  static long lastWindowMicros(long coveredMicros, long fullMicros) {
    long rounded = -Math.floorDiv(-coveredMicros, CLIP_FRAME_MICROS) * CLIP_FRAME_MICROS;
    return rounded < SHORTEST_WINDOW_MICROS ? fullMicros : Math.min(rounded, fullMicros);
  }

  /** Forgets the chunks that end before the next window starts. */
  private void prune(StreamAssembly state) {
    long next = state.getNextWindowStartMicros();
    List<BufferedChunk> kept = new ArrayList<>();
    for (BufferedChunk c : state.getChunks()) {
      if (c.getStartMicros() + c.getDurationMicros() <= next) {
        store.delete(state.getStreamId(), c.getSequence());
      } else {
        kept.add(c);
      }
    }
    state.setChunks(kept);
  }

  private void finish(StreamAssembly state) {
    for (BufferedChunk c : state.getChunks()) {
      store.delete(state.getStreamId(), c.getSequence());
    }
    state.setChunks(new ArrayList<>());
    state.setEnded(true);
  }
}
