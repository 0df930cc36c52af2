package io.foleystream.topology.assembler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.schemas.GapPolicy;
import io.foleystream.schemas.PtsRange;
import io.foleystream.schemas.RecordPosition;
import io.foleystream.schemas.StreamControl;
import io.foleystream.schemas.StreamState;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.WindowCompletion;
import io.foleystream.schemas.WindowMode;
import io.foleystream.schemas.WindowTask;
import io.foleystream.topology.records.TimelineBounds;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The assembler's rules without Kafka: end-of-stream, stopping and what the store keeps. */
class StreamAssemblerTest {

  private static final long S = 1_000_000L;

  /** The chunk store, by sequence number (one stream per test). */
  private final InMemoryChunkStore chunkStore = new InMemoryChunkStore();
  private final Map<Long, VideoChunk> store = chunkStore.chunks();
  private StreamAssembler assembler;

  @BeforeEach
  void setUp() {
    // No idle timeout: a window may only come out of the chunks themselves.
    assembler = assembler(0);
  }

  private StreamAssembler assembler(long idleTimeoutMillis) {
    return assembler(new AssemblerSettings(8 * S, 8 * S, 2 * S, GapPolicy.NEAREST_FRAME,
        idleTimeoutMillis, "", "", 42, 25, 4.5));
  }

  private StreamAssembler assembler(AssemblerSettings settings) {
    return new StreamAssembler(settings, chunkStore, "video");
  }

  private StreamAssembler.Outcome accept(StreamAssembler.Outcome previous, VideoChunk chunk,
      StreamControl control) {
    return assembler.accept(previous == null ? null : previous.state(), chunk,
        new RecordPosition("video", 0, chunk.getSequence()), control, 1_000);
  }

  private static VideoChunk chunk(long sequence, long start, long duration, boolean end) {
    return VideoChunk.newBuilder().setStreamId("cam").setSequence(sequence)
        .setPtsStartMicros(start).setDurationMicros(duration).setMediaType("video/mp2t")
        .setPayload(ByteBuffer.wrap(new byte[] {0x47})).setEndOfStream(end).build();
  }

  private static StreamControl control(StreamState state, Long origin) {
    return StreamControl.newBuilder().setStreamId("cam").setState(state)
        .setOriginPtsMicros(origin).build();
  }

  @Test
  void whenEveryChunkUpToTheEndArrivedAGapThatCanNeverBeFilledDoesNotHoldTheWindowBack() {
    StreamAssembler.Outcome out = accept(null, chunk(0, 0, 2 * S, false), null);
    out = accept(out, chunk(1, 2 * S, 2 * S, false), null);
    out = accept(out, chunk(2, 5 * S, 2 * S, false), null);
    assertTrue(out.windows().isEmpty(), "the gap at 4 s may still be filled");
    out = accept(out, chunk(3, 7 * S, S / 2, true), null);

    assertEquals(1, out.windows().size(), "chunks 0 .. 3 are all there is");
    assertEquals(WindowCompletion.END_OF_STREAM, out.windows().get(0).getCompletion());
    assertEquals(List.of(new PtsRange(4 * S, 5 * S)), out.windows().get(0).getGaps());
    assertEquals(4, out.windows().get(0).getChunks().size());
    assertTrue(out.state().getEnded());
    assertTrue(store.isEmpty(), "an ended stream keeps no chunk");
  }

  @Test
  void aTumblingStreamsLastWindowHasTheDurationTheStreamCoversOfIt() {
    StreamAssembler.Outcome out = null;
    for (int n = 0; n < 7; n++) {
      out = accept(out, chunk(n, n * 2 * S, 2 * S, n == 6), null);
    }
    assertEquals(1, out.windows().size());
    WindowTask last = out.windows().get(0);
    assertEquals(8 * S, last.getWindowStartMicros());
    assertEquals(WindowCompletion.END_OF_STREAM, last.getCompletion());
    assertEquals(6 * S, last.getWindowDurationMicros(), "14 s of stream: 6 s of its last window");
    assertEquals(8 * S, last.getHopMicros());
  }

  @Test
  void theLastWindowsDurationIsRoundedUpToAClipFrameAndNeverBelowASegment() {
    assertEquals(6_000_000L, StreamAssembler.lastWindowMicros(5_900_001L, 8 * S));
    assertEquals(6_000_000L, StreamAssembler.lastWindowMicros(6_000_000L, 8 * S));
    assertEquals(750_000L, StreamAssembler.lastWindowMicros(640_000L, 8 * S));
    assertEquals(8 * S, StreamAssembler.lastWindowMicros(500_000L, 8 * S), "shorter than a"
        + " segment: the full window, cut");
    assertEquals(8 * S, StreamAssembler.lastWindowMicros(7_950_000L, 8 * S));
    assertEquals(8 * S, StreamAssembler.lastWindowMicros(8 * S, 8 * S));
    assertEquals(8_100_000L, StreamAssembler.lastWindowMicros(8_050_000L, 8_100_000L),
        "never longer than the full window");
  }

  @Test
  void aStoppedStreamsChunkTooFarFromTheOriginToCountInSamplesSkipsNothingAndThrowsNothing() {
    // Both chunks lie within the PTS range the bounds allow (+-2^62 us): 2^63 us apart.
    long limit = TimelineBounds.PTS_LIMIT_MICROS;
    StreamAssembler.Outcome out = accept(null, chunk(0, -limit, 2 * S, false), null);
    out = accept(out, chunk(1, -limit + 2 * S, 2 * S, false), null);
    out = accept(out, chunk(2, -limit + 4 * S, 2 * S, false), null);
    out = accept(out, chunk(3, -limit + 6 * S, 2 * S, false), null);
    assertTrue(out.state().getOriginFixed(), "window 0 came out: " + out.windows());
    long nextBefore = out.state().getNextWindowIndex();
    StreamAssembler.Outcome after = accept(out, chunk(4, limit - 4 * S, 2 * S, false),
        control(StreamState.STOPPED, null));
    assertEquals(StreamAssembler.Drop.STOPPED, after.dropped());
    assertEquals(nextBefore, after.state().getNextWindowIndex(), "nothing to skip to");
  }

  @Test
  void aMissingSequenceNumberKeepsTheWindowWaitingForTheGrace() {
    StreamAssembler.Outcome out = accept(null, chunk(0, 0, 2 * S, false), null);
    out = accept(out, chunk(2, 5 * S, 2 * S, false), null);
    out = accept(out, chunk(3, 7 * S, S / 2, true), null);
    assertTrue(out.windows().isEmpty(), "chunk 1 may still cover the gap");
    out = accept(out, chunk(1, 2 * S, 2 * S, false), null);
    assertEquals(1, out.windows().size());
  }

  @Test
  void aRedeliveredEndOfStreamChunkIsDroppedAndAHigherSequenceStartsAfresh() {
    StreamAssembler.Outcome out = accept(null, chunk(0, 0, 4 * S, false), null);
    out = accept(out, chunk(1, 4 * S, 4 * S, true), null);
    assertEquals(1, out.windows().size());
    assertTrue(out.state().getEnded());

    StreamAssembler.Outcome again = accept(out, chunk(1, 4 * S, 4 * S, true), null);
    assertEquals(StreamAssembler.Drop.AFTER_END, again.dropped());
    assertTrue(again.windows().isEmpty());
    assertTrue(again.state().getEnded());
    assertTrue(store.isEmpty());

    StreamAssembler.Outcome restart = accept(again, chunk(2, 100 * S, 8 * S, false), null);
    assertNull(restart.dropped());
    assertFalse(restart.state().getEnded());
    assertEquals(1, restart.windows().size());
    assertEquals(0, restart.windows().get(0).getWindowIndex(), "a fresh stream");
    assertEquals(100 * S, restart.windows().get(0).getWindowStartMicros());
  }

  @Test
  void chunksOfAStreamStoppedBeforeWindowZeroAreDroppedAndWindowZeroStartsAfterTheResume() {
    StreamControl stopped = control(StreamState.STOPPED, null);
    StreamAssembler.Outcome out = accept(null, chunk(0, 0, 4 * S, false), stopped);
    assertEquals(StreamAssembler.Drop.STOPPED, out.dropped());
    assertEquals(4 * S, out.state().getMaxEndMicros());
    assertEquals(Instant.ofEpochMilli(1_000), out.state().getLastChunkAt(),
        "a stopped stream's chunks keep it from idling out");
    assertTrue(store.isEmpty());

    StreamControl started = control(StreamState.STARTED, null);
    out = accept(out, chunk(1, 4 * S, 8 * S, false), started);
    assertEquals(1, out.windows().size());
    assertEquals(0, out.windows().get(0).getWindowIndex());
    assertEquals(4 * S, out.windows().get(0).getWindowStartMicros(), "the first chunk kept");
  }

  @Test
  void aStoppedStreamWithAFixedOriginSkipsTheWindowsItsChunksSpan() {
    StreamControl stopped = control(StreamState.STOPPED, 0L);
    StreamAssembler.Outcome out = accept(null, chunk(0, 0, 2 * S, false),
        control(StreamState.STARTED, 0L));
    out = accept(out, chunk(1, 2 * S, 14 * S, false), stopped);
    assertEquals(StreamAssembler.Drop.STOPPED, out.dropped());
    assertEquals(2, out.state().getNextWindowIndex(), "windows 0 and 1 lie in the pause");
    assertEquals(16 * S, out.state().getNextWindowStartMicros());
    assertTrue(store.isEmpty(), "the chunks of skipped windows are forgotten");
  }

  @Test
  void aStreamResumedAfterAPauseGoesOnFromTheGridOffsetItSkippedTo() {
    StreamAssembler.Outcome out = accept(null, chunk(0, 0, 8 * S, false), null);
    assertEquals(1, out.windows().size());
    out = accept(out, chunk(1, 8 * S, 22 * S, false), control(StreamState.STOPPED, null));
    assertEquals(4, out.state().getNextWindowIndex(), "windows 1 .. 3 start in the pause");
    out = accept(out, chunk(2, 32 * S, 8 * S, false), control(StreamState.STARTED, null));
    assertEquals(1, out.windows().size());
    WindowTask resumed = out.windows().get(0);
    assertEquals(4, resumed.getWindowIndex());
    assertEquals(32 * S, resumed.getWindowStartMicros());
    assertEquals(32 * 16_000, resumed.getGrid().getOffsetSamples(), "32 s at 16 kHz");
  }

  @Test
  void aStateStoredBeforeTheGridWasKeptInSamplesGoesOnFromItsNextWindowsPts() {
    StreamAssembler.Outcome out = accept(null, chunk(0, 0, 8 * S, false), null);
    out.state().setNextWindowOffsetSamples(null);
    out.state().setGridSampleRate(null);
    out = accept(out, chunk(1, 8 * S, 8 * S, false), null);
    assertEquals(1, out.windows().size());
    assertEquals(8 * 16_000, out.windows().get(0).getGrid().getOffsetSamples());
    assertEquals(16 * 16_000, out.state().getNextWindowOffsetSamples());
    assertEquals(16_000, out.state().getGridSampleRate());
  }

  @Test
  void aStreamShorterThanOneTumblingWindowIsGeneratedAtTheDurationItCovers() {
    StreamAssembler.Outcome out = accept(null, chunk(0, 0, 4 * S, false), null);
    out = accept(out, chunk(1, 4 * S, 2 * S, true), null);
    assertEquals(1, out.windows().size());
    assertEquals(0, out.windows().get(0).getWindowIndex());
    assertEquals(WindowCompletion.END_OF_STREAM, out.windows().get(0).getCompletion());
    assertEquals(6 * S, out.windows().get(0).getWindowDurationMicros());
  }

  @Test
  void theEndOfAStreamForgetsTheChunksBufferedPastIt() {
    StreamAssembler.Outcome out = accept(null, chunk(0, 0, 4 * S, false), null);
    out = accept(out, chunk(5, 8 * S, 2 * S, false), null);
    out = accept(out, chunk(1, 4 * S, 2 * S, true), null);
    assertEquals(1, out.windows().size(), "chunks 0 and 1 are the whole stream");
    assertTrue(out.state().getEnded());
    assertTrue(out.state().getChunks().isEmpty());
    assertTrue(store.isEmpty(), "chunk 5, past the end, is forgotten too");
  }

  @Test
  void chunksUpToTheEndCountFromTheFirstSequenceNumberReceived() {
    StreamAssembler.Outcome out = accept(null, chunk(10, 0, 2 * S, false), null);
    out = accept(out, chunk(11, 2 * S, 2 * S, false), null);
    out = accept(out, chunk(12, 5 * S, 2 * S, false), null);
    out = accept(out, chunk(13, 7 * S, S / 2, true), null);
    assertEquals(1, out.windows().size(), "chunks 10 .. 13 are all there is");
    assertEquals(List.of(new PtsRange(4 * S, 5 * S)), out.windows().get(0).getGaps());

    store.clear();
    StreamAssembler.Outcome missing = accept(null, chunk(10, 0, 2 * S, false), null);
    missing = accept(missing, chunk(12, 5 * S, 2 * S, false), null);
    missing = accept(missing, chunk(13, 7 * S, S / 2, true), null);
    assertTrue(missing.windows().isEmpty(), "chunk 11 may still cover the gap");
  }

  @Test
  void aWindowRecordsWhereAndWhenEachOfItsChunksWasReceived() {
    StreamAssembler.Outcome out = assembler.accept(null, chunk(0, 0, 4 * S, false), null, null,
        1_000);
    out = assembler.accept(out.state(), chunk(1, 4 * S, 4 * S, false),
        new RecordPosition("video", 3, 77L), null, 2_500);
    WindowTask task = out.windows().get(0);
    assertEquals(List.of(new RecordPosition("video", -1, -1L), new RecordPosition("video", 3,
        77L)), task.getChunkSources(), "an unknown position is -1");
    assertEquals(List.of(Instant.ofEpochMilli(1_000), Instant.ofEpochMilli(2_500)),
        task.getChunkReceivedAt());
    assertEquals(Instant.ofEpochMilli(2_500), task.getAssembledAt());
  }

  @Test
  void aChunkMissingFromTheStoreIsAnErrorNotASilentGap() {
    StreamAssembler.Outcome out = accept(null, chunk(0, 0, 4 * S, false), null);
    store.clear();
    StreamAssembler.Outcome before = out;
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> accept(before, chunk(1, 4 * S, 4 * S, false), null));
    assertTrue(e.getMessage().contains("chunk 0 of stream cam"), e.getMessage());
  }

  @Test
  void anIdleStreamEmitsWhatItHasOnceTheIdleTimeoutPassedAndNoWindowPastItsLastChunk() {
    assembler = assembler(5_000);
    StreamAssembler.Outcome out = assembler.accept(null, chunk(0, 0, 2 * S, false), null, null,
        1_000);
    out = assembler.accept(out.state(), chunk(1, 3 * S, 5 * S, false), null, null, 2_000);
    assertTrue(out.windows().isEmpty(), "the gap at 2 s may still be filled");
    assertTrue(assembler.idle(out.state(), null, 6_999).windows().isEmpty(),
        "idle for 4999 ms of 5000");
    StreamAssembler.Outcome idle = assembler.idle(out.state(), null, 7_000);
    assertEquals(1, idle.windows().size(), "window 1 starts where the last chunk ends: nothing"
        + " of it arrived");
    assertEquals(WindowCompletion.GRACE_EXPIRED, idle.windows().get(0).getCompletion());
    assertEquals(List.of(new PtsRange(2 * S, 3 * S)), idle.windows().get(0).getGaps());
    assertEquals(8 * S, idle.state().getNextWindowStartMicros());
    assertTrue(assembler(0).idle(out.state(), null, 1_000_000).windows().isEmpty(),
        "no idle timeout");
  }

  @Test
  void emittingAWindowForgetsTheChunksThatEndBeforeTheNextOne() {
    StreamAssembler.Outcome out = accept(null, chunk(0, 0, 3 * S, false), null);
    out = accept(out, chunk(1, 3 * S, 3 * S, false), null);
    out = accept(out, chunk(2, 6 * S, 3 * S, false), null);
    assertEquals(1, out.windows().size());
    assertEquals(List.of(2L), List.copyOf(store.keySet()), "chunk 2 reaches into window 1");
    out = accept(out, chunk(3, 9 * S, 3 * S, false), null);
    assertEquals(List.of(2L, 3L), List.copyOf(store.keySet()));
    assertEquals(2, out.state().getChunks().size());
    StreamAssembler.Outcome duplicate = accept(out, chunk(3, 9 * S, 3 * S, false), null);
    assertEquals(StreamAssembler.Drop.DUPLICATE, duplicate.dropped());
    assertEquals(2, duplicate.state().getChunks().size());
    out = accept(out, chunk(4, 12 * S, 4 * S, false), null);
    assertEquals(1, out.windows().size(), "window 1 is covered up to 16 s");
    assertTrue(store.isEmpty(), "chunk 4 ends exactly where window 2 starts: none is needed");
    assertTrue(out.state().getChunks().isEmpty());

    StreamAssembler.Outcome late = accept(out, chunk(9, 13 * S, 3 * S, false), null);
    assertEquals(StreamAssembler.Drop.LATE, late.dropped(), "it ends where window 2 starts");
    assertEquals(StreamAssembler.Drop.LATE, accept(out, chunk(4, 12 * S, 4 * S, false), null)
        .dropped(), "a redelivered chunk of an emitted window");
  }

  @Test
  void anOverlappingTumblingStreamEndingAfterTheNextWindowsStartEmitsThatWindowToo() {
    assembler = assembler(new AssemblerSettings(8 * S, 4 * S, 2 * S, GapPolicy.NEAREST_FRAME, 0,
        "", "", 42, 25, 4.5));
    StreamAssembler.Outcome out = accept(null, chunk(0, 0, 2 * S, false), null);
    out = accept(out, chunk(1, 2 * S, 2 * S, false), null);
    out = accept(out, chunk(2, 4 * S, 2 * S, true), null);
    assertEquals(2, out.windows().size(), "window 0 publishes [0, 4 s), window 1 the rest");
    assertEquals(4 * S, out.windows().get(1).getWindowStartMicros());
    assertEquals(WindowCompletion.END_OF_STREAM, out.windows().get(1).getCompletion());
    assertTrue(out.state().getEnded());
  }

  @Test
  void aWindowLengthThatIsNoWholeNumberOfSamplesEndsWhereItsDurationDoes() {
    // 8.001 s at 44.1 kHz is 352844.1 samples: the grid's window and hop are 352844 samples,
    // 8000997 us, while the window still covers its 8001000 us of video.
    long duration = 8_001_000;
    assembler = assembler(new AssemblerSettings(duration, duration, 2 * S,
        GapPolicy.NEAREST_FRAME, 0, "", "", 42, 25, 4.5, 0, 0,
        new AssemblerSettings.AudioGrid(44_100, 512, WindowMode.TUMBLING, 0, false)));
    StreamAssembler.Outcome out = accept(null, chunk(0, 0, duration - 2, false), null);
    assertTrue(out.windows().isEmpty(), "2 us of the window are not covered yet");
    out = accept(out, chunk(1, duration - 2, 2, false), null);
    assertEquals(1, out.windows().size());
    WindowTask window = out.windows().get(0);
    assertEquals(duration, window.getWindowDurationMicros());
    assertEquals(8_000_997, window.getHopMicros(), "352844 samples at 44.1 kHz");
    assertEquals(8_000_997, out.state().getNextWindowStartMicros());
  }

  @Test
  void beforeWindowZeroNothingIsDeferredEvenWhenAControlChangeMadeItReady() {
    assembler = assembler(new AssemblerSettings(8 * S, 2 * S, 2 * S, GapPolicy.NEAREST_FRAME, 0,
        "", "", 42, 25, 4.5, AssemblerSettings.DEFAULT_COVERAGE_TOLERANCE_MICROS, 0,
        new AssemblerSettings.AudioGrid(16_000, 512, WindowMode.TUMBLING, 320_000, true)));
    StreamAssembler.Outcome out = accept(null, chunk(0, 0, 2 * S, false), null);
    assertTrue(out.windows().isEmpty(), "an 8 s tumbling window 0");
    StreamControl live = StreamControl.newBuilder().setStreamId("cam").setMode(WindowMode.LIVE)
        .build();
    assertTrue(assembler.deferred(out.state(), live, 2_000).windows().isEmpty(),
        "live, window 0 would be a 1.92 s ramp window, covered already");
    out = accept(out, chunk(1, 2 * S, 2 * S, false), live);
    assertEquals(2, out.windows().size(), "the next chunk emits the ramp windows it covers");
    assertEquals(0, out.windows().get(0).getWindowIndex());
    assertEquals(WindowMode.LIVE, out.windows().get(0).getGrid().getMode());
  }

  @Test
  void anIdleStateStoredBeforeTheStreamTimeWasKeptEmitsNothingPastItsChunks() {
    assembler = assembler(5_000);
    StreamAssembler.Outcome out = accept(null, chunk(0, 0, 2 * S, false), null);
    out.state().setMaxEndMicros(null);
    assertTrue(assembler.idle(out.state(), null, 1_000_000).windows().isEmpty());
  }
}
