package io.foleystream.topology.records;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
}
