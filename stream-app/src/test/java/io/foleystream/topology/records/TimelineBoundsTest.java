package io.foleystream.topology.records;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.schemas.BufferedChunk;
import io.foleystream.schemas.StreamAssembly;
import io.foleystream.schemas.VideoChunk;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimelineBoundsTest {

  private static final long LIMIT = TimelineBounds.PTS_LIMIT_MICROS;

  private static VideoChunk chunk(long pts) {
    return VideoChunk.newBuilder().setStreamId("s").setSequence(9).setPtsStartMicros(pts)
        .setDurationMicros(2_000_000L).setMediaType("video/mp2t")
        .setPayload(ByteBuffer.wrap(new byte[] {0x47})).setEndOfStream(false).build();
  }

  private static StreamAssembly stream(long chunkStart) {
    return StreamAssembly.newBuilder().setStreamId("s").setMaxEndMicros(chunkStart + 2_000_000L)
        .setChunks(List.of(BufferedChunk.newBuilder().setSequence(1).setStartMicros(chunkStart)
            .setDurationMicros(2_000_000L).setPartition(0).setOffset(0L).build()))
        .build();
  }

  @Test
  void jumpsAcrossTheWholePtsRangeAreCaughtNotWrappedAround() {
    TimelineBounds bounds = TimelineBounds.defaults();
    String forward = bounds.jumpProblem(chunk(LIMIT - 4_000_000L), stream(-LIMIT));
    assertNotNull(forward, "2^63 us forward");
    assertTrue(forward.startsWith("max PTS jump"), forward);
    assertNotNull(bounds.jumpProblem(chunk(-LIMIT), stream(LIMIT - 4_000_000L)),
        "2^63 us back");
    assertNull(bounds.jumpProblem(chunk(-LIMIT + 2_000_000L), stream(-LIMIT)),
        "the next chunk at the range's edge");
  }

  @Test
  void boundsMayBeAsSmallAsTheirMinimumAndAsLargeAsThePtsLimit() {
    assertDoesNotThrow(() -> new TimelineBounds(1, 0, 0, 1, 1));
    assertDoesNotThrow(() -> new TimelineBounds(LIMIT, LIMIT, LIMIT, 1, 1));
    long[][] refused = {{0, 0, 0, 1, 1}, {1, -1, 0, 1, 1}, {1, 0, -1, 1, 1}, {1, 0, 0, 0, 1},
        {1, 0, 0, 1, 0}, {LIMIT + 1, 0, 0, 1, 1}, {1, LIMIT + 1, 0, 1, 1},
        {1, 0, LIMIT + 1, 1, 1}};
    for (long[] b : refused) {
      assertThrows(IllegalArgumentException.class, () -> new TimelineBounds(b[0], b[1], b[2],
          (int) b[3], (int) b[4]), java.util.Arrays.toString(b));
    }
  }

  private static VideoChunk chunk(long pts, long duration) {
    VideoChunk c = chunk(pts);
    c.setDurationMicros(duration);
    return c;
  }

  @Test
  void aChunkMayLastTheLongestDurationAndEndAtThePtsLimit() {
    TimelineBounds bounds = new TimelineBounds(5_000_000L, 0, 0, 1, 1);
    assertNull(bounds.chunkProblem(chunk(0, 5_000_000L)));
    String tooLong = bounds.chunkProblem(chunk(0, 5_000_001L));
    assertTrue(tooLong.startsWith("max chunk duration: chunk 9 lasts 5000001 us"), tooLong);
    assertNull(bounds.chunkProblem(chunk(-LIMIT, 2_000_000L)));
    assertNotNull(bounds.chunkProblem(chunk(-LIMIT - 1, 2_000_000L)));
    assertNull(bounds.chunkProblem(chunk(LIMIT - 2_000_000L, 2_000_000L)));
    String past = bounds.chunkProblem(chunk(LIMIT - 1_999_999L, 2_000_000L));
    assertTrue(past.startsWith("PTS range"), past);
  }

  @Test
  void aJumpOfExactlyTheBoundIsAllowedEitherWay() {
    TimelineBounds bounds = new TimelineBounds(LIMIT, 1_000_000L, 0, 1, 1);
    StreamAssembly state = stream(10_000_000L);
    assertNull(bounds.jumpProblem(chunk(13_000_000L), state), "1 s after the latest end");
    String after = bounds.jumpProblem(chunk(13_000_001L), state);
    assertTrue(after.contains("starts 1000001 us after"), after);
    assertNull(bounds.jumpProblem(chunk(9_000_000L), state), "1 s before the earliest start");
    String before = bounds.jumpProblem(chunk(8_999_999L), state);
    assertTrue(before.contains("starts 1000001 us before"), before);
    assertNull(bounds.jumpProblem(chunk(0), null), "a new stream");
    state.setEnded(true);
    assertNull(bounds.jumpProblem(chunk(0), state), "an ended stream starts afresh");
  }

  @Test
  void withNoChunkBufferedTheStreamsLatestEndIsItsEarliestToo() {
    TimelineBounds bounds = new TimelineBounds(LIMIT, 1_000_000L, 0, 1, 1);
    StreamAssembly emptied = StreamAssembly.newBuilder().setStreamId("s")
        .setMaxEndMicros(10_000_000L).build();
    assertNull(bounds.jumpProblem(chunk(9_000_000L), emptied));
    assertNotNull(bounds.jumpProblem(chunk(8_999_999L), emptied));
    emptied.setNextWindowStartMicros(5_000_000L);
    assertNull(bounds.jumpProblem(chunk(4_000_000L), emptied), "or the next window's start");
  }

  @Test
  void anOriginWithinTheDistanceOfTheFirstChunkIsAllowed() {
    TimelineBounds bounds = new TimelineBounds(LIMIT, 0, 8_000_000L, 1, 1);
    assertTrue(bounds.originAllowed(8_000_000L, 0));
    assertTrue(bounds.originAllowed(-8_000_000L, 0));
    assertFalse(bounds.originAllowed(8_000_001L, 0));
    assertFalse(bounds.originAllowed(5_000_000L, -4_000_000L));
    assertFalse(bounds.originAllowed(0, Long.MIN_VALUE), "saturated, not wrapped around");

    StreamAssembly state = stream(20_000_000L);
    assertNull(bounds.originProblem(28_000_000L, state));
    String far = bounds.originProblem(28_000_001L, state);
    assertTrue(far.startsWith("origin distance: origin 28000001 us"), far);
    assertTrue(far.endsWith("first chunk at 20000000 us"), far);
    assertNull(bounds.originProblem(0, null));
    assertNull(bounds.originProblem(0, StreamAssembly.newBuilder(state).setOriginFixed(true)
        .build()), "window 0 came out: the origin no longer moves");
    assertNull(bounds.originProblem(0, StreamAssembly.newBuilder(state).setEnded(true)
        .build()));
    assertNull(bounds.originProblem(0, StreamAssembly.newBuilder(state).setChunks(List.of())
        .build()), "checked when the first chunk arrives");
  }

  @Test
  void saturatedAdditionClampsOnlyWhatOverflows() {
    assertEquals(0, TimelineBounds.saturatedAdd(0, 0));
    assertEquals(3, TimelineBounds.saturatedAdd(1, 2));
    assertEquals(-1, TimelineBounds.saturatedAdd(Long.MAX_VALUE, Long.MIN_VALUE));
    assertEquals(Long.MAX_VALUE, TimelineBounds.saturatedAdd(Long.MAX_VALUE, 1));
    assertEquals(Long.MIN_VALUE, TimelineBounds.saturatedAdd(Long.MIN_VALUE, -1));
  }
}
