package io.foleystream.topology.assembler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.schemas.GapPolicy;
import io.foleystream.schemas.RecordPosition;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.WindowCompletion;
import io.foleystream.schemas.WindowMode;
import io.foleystream.schemas.WindowTask;
import io.foleystream.topology.timeline.StreamTimeline;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A live stream's ramp-up windows: shorter windows from the origin, emitted as soon as the
 * chunks cover them, one hop longer each, then full windows on the same grid.
 */
class LiveRampAssemblerTest {

  private static final long S = 1_000_000L;
  private static final long CHUNK = 2 * S;

  private static StreamAssembler assembler(boolean rampUp) {
    AssemblerSettings settings = new AssemblerSettings(8 * S, 2 * S, 2 * S,
        GapPolicy.NEAREST_FRAME, 0, "", "", 42, 25, 4.5,
        AssemblerSettings.DEFAULT_COVERAGE_TOLERANCE_MICROS, 0,
        new AssemblerSettings.AudioGrid(16_000, 512, WindowMode.LIVE, 320_000, rampUp));
    return new StreamAssembler(settings, new InMemoryChunkStore(), "video");
  }

  private static VideoChunk chunk(long sequence, boolean end) {
    return VideoChunk.newBuilder().setStreamId("cam").setSequence(sequence)
        .setPtsStartMicros(5 * S + sequence * CHUNK).setDurationMicros(CHUNK)
        .setMediaType("video/mp2t").setPayload(ByteBuffer.wrap(new byte[] {0x47}))
        .setEndOfStream(end).build();
  }

  /** The windows each chunk emits, chunk by chunk. */
  private static List<List<WindowTask>> feed(StreamAssembler assembler, int chunks,
      boolean endOfStream) {
    List<List<WindowTask>> emitted = new ArrayList<>();
    StreamAssembler.Outcome out = null;
    for (int i = 0; i < chunks; i++) {
      VideoChunk c = chunk(i, endOfStream && i == chunks - 1);
      out = assembler.accept(out == null ? null : out.state(), c,
          new RecordPosition("video", 0, (long) i), null, 1_000);
      emitted.add(out.windows());
    }
    return emitted;
  }

  @Test
  void eachRampWindowIsEmittedByTheChunkThatCoversItAndTheGridRunsOnIntoFullWindows() {
    List<List<WindowTask>> emitted = feed(assembler(true), 8, false);
    StreamTimeline timeline = new StreamTimeline(WindowMode.LIVE, 5 * S, 16_000, 128_000, 512,
        5120);
    long hop = timeline.hopSamples(2 * S);
    long grid = timeline.firstGridOffsetSamples(hop, true);
    long index = 0;
    for (int i = 0; i < emitted.size(); i++) {
      long chunkEnd = timeline.sampleAtOrAfter(5 * S + (i + 1) * CHUNK);
      for (WindowTask task : emitted.get(i)) {
        StreamTimeline.Window w = timeline.window(grid);
        assertEquals(index, task.getWindowIndex());
        assertEquals(timeline.micros(w.startSamples()), task.getWindowStartMicros());
        assertEquals(timeline.micros(w.endSamples()) - task.getWindowStartMicros(),
            task.getWindowDurationMicros(), "window " + index + " covers its span only");
        assertEquals(w.startSamples(), task.getGrid().getOffsetSamples());
        assertEquals(WindowCompletion.COMPLETE, task.getCompletion());
        assertTrue(w.endSamples() <= chunkEnd, "covered by the chunks so far");
        long chunksInside = task.getChunks().stream().filter(c -> c.getPtsStartMicros()
            < timeline.micros(w.endSamples())).count();
        assertEquals(task.getChunks().size(), chunksInside, "no chunk past its end");
        grid += hop;
        index++;
      }
      StreamTimeline.Window next = timeline.window(grid);
      assertTrue(next.endSamples() > chunkEnd,
          "chunk " + i + " emits every window it completes, and no more");
    }
    assertEquals(1, emitted.get(0).size(), "the first 2 s chunk already emits a window");
    assertEquals(1_920_000, emitted.get(0).get(0).getWindowDurationMicros());
    assertTrue(index >= 7, "ramp windows then full windows: " + index);
  }

  @Test
  void aRampWindowsHopIsHowFarItsEndMovesSoThePreviousWindowsEndCanBeFound() {
    List<WindowTask> windows = feed(assembler(true), 6, false).stream()
        .flatMap(List::stream).toList();
    for (int k = 1; k < windows.size(); k++) {
      WindowTask previous = windows.get(k - 1);
      WindowTask task = windows.get(k);
      assertEquals(previous.getWindowStartMicros() + previous.getWindowDurationMicros(),
          task.getWindowStartMicros() - task.getHopMicros() + task.getWindowDurationMicros(),
          "window " + k);
    }
  }

  @Test
  void withoutTheRampTheFirstWindowWaitsForAWholeWindowOfVideo() {
    List<List<WindowTask>> emitted = feed(assembler(false), 4, false);
    assertTrue(emitted.get(0).isEmpty() && emitted.get(1).isEmpty() && emitted.get(2).isEmpty());
    assertEquals(1, emitted.get(3).size());
    assertEquals(8 * S, emitted.get(3).get(0).getWindowDurationMicros());
    assertEquals(0, emitted.get(3).get(0).getGrid().getOffsetSamples());
  }

  /** The windows of a stream of 2 s chunks from 5 s whose last chunk ends at {@code end}. */
  private static List<WindowTask> streamEndingAt(StreamAssembler assembler, long end) {
    List<WindowTask> windows = new ArrayList<>();
    StreamAssembler.Outcome out = null;
    for (long sequence = 0; 5 * S + sequence * CHUNK < end; sequence++) {
      long start = 5 * S + sequence * CHUNK;
      VideoChunk c = chunk(sequence, start + CHUNK >= end);
      c.setDurationMicros(Math.min(CHUNK, end - start));
      out = assembler.accept(out == null ? null : out.state(), c,
          new RecordPosition("video", 0, sequence), null, 1_000);
      windows.addAll(out.windows());
    }
    assertTrue(out.state().getEnded());
    return windows;
  }

  @Test
  void aStreamEndingExactlyWhereAWindowsRegionEndsEndsWithThatWindow() {
    StreamTimeline timeline = new StreamTimeline(WindowMode.LIVE, 5 * S, 16_000, 128_000, 512,
        5120);
    long regionEnd = timeline.micros(timeline.windowSamples() - timeline.marginSamples());
    List<WindowTask> windows = streamEndingAt(assembler(false), regionEnd);
    assertEquals(1, windows.size(), "window 0 publishes up to the end; window 1's region would"
        + " be empty");
    assertEquals(WindowCompletion.END_OF_STREAM, windows.get(0).getCompletion());
    List<WindowTask> later = streamEndingAt(assembler(false), regionEnd + 1_000);
    assertEquals(2, later.size(), "a millisecond more: window 1 publishes it");
    assertEquals(1, later.get(1).getWindowIndex());
  }

  @Test
  void aStreamEndingDuringTheRampEndsWithTheRampWindowThatPublishesItsEnd() {
    List<WindowTask> windows = feed(assembler(true), 2, true).stream()
        .flatMap(List::stream).toList();
    assertEquals(3, windows.size(), "[0, 1.92 s), [0, 3.84 s), then [0, 5.76 s), which holds"
        + " the end at 4 s");
    assertEquals(WindowCompletion.COMPLETE, windows.get(1).getCompletion());
    assertEquals(WindowCompletion.END_OF_STREAM, windows.get(2).getCompletion());
    assertEquals(5_760_000, windows.get(2).getWindowDurationMicros(),
        "generated at its full ramp length, its audio cut at the end");
  }
}
