package io.foleystream.topology.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.media.ContainerType;
import io.foleystream.schemas.PayloadReference;
import io.foleystream.schemas.StreamControl;
import io.foleystream.schemas.VideoChunk;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class ChunkRulesTest {

  private static VideoChunk.Builder chunk() {
    return VideoChunk.newBuilder().setStreamId("cam").setSequence(0).setPtsStartMicros(0)
        .setDurationMicros(1_000_000).setMediaType("video/mp2t")
        .setPayload(ByteBuffer.wrap(new byte[] {1})).setEndOfStream(false);
  }

  @Test
  void everySupportedMediaTypeNamesItsContainerWhateverItsCaseAndParameters() {
    assertEquals(ContainerType.MPEG_TS, ChunkRules.container("video/mp2t"));
    assertEquals(ContainerType.MPEG_TS, ChunkRules.container("video/MPEGTS"));
    assertEquals(ContainerType.MP4, ChunkRules.container("video/mp4"));
    assertEquals(ContainerType.MP4, ChunkRules.container("video/quicktime"));
    assertEquals(ContainerType.MP4, ChunkRules.container(" video/iso.segment ; codecs=avc1"));
    assertEquals(ContainerType.MATROSKA, ChunkRules.container("video/x-matroska"));
    assertEquals(ContainerType.MATROSKA, ChunkRules.container("Video/WebM; codecs=vp9"));
  }

  @Test
  void anUnknownOrMissingMediaTypeHasNoContainer() {
    assertNull(ChunkRules.container("video/avi"));
    assertNull(ChunkRules.container(""));
    assertNull(ChunkRules.container(null));
  }

  @Test
  void aWellFormedChunkHasNoProblem() {
    assertNull(ChunkRules.videoChunkProblem("cam", chunk().build()));
    assertNull(ChunkRules.videoChunkProblem("cam", chunk().setMediaType("video/webm").build()));
    assertNull(ChunkRules.videoChunkProblem("cam",
        chunk().setPayload(new PayloadReference("s3://b/k", 1L, "ab")).build()));
  }

  @Test
  void eachMalformedChunkIsNamedForWhatIsWrongWithIt() {
    assertProblem("differs from the record key 'other'",
        ChunkRules.videoChunkProblem("other", chunk().build()));
    assertProblem("negative sequence number -1",
        ChunkRules.videoChunkProblem("cam", chunk().setSequence(-1).build()));
    assertProblem("has a duration of 0 us",
        ChunkRules.videoChunkProblem("cam", chunk().setDurationMicros(0).build()));
    assertProblem("has a duration of -5 us",
        ChunkRules.videoChunkProblem("cam", chunk().setDurationMicros(-5).build()));
    assertProblem("media type 'video/avi' is not a supported container",
        ChunkRules.videoChunkProblem("cam", chunk().setMediaType("video/avi").build()));
    assertProblem("has an empty payload",
        ChunkRules.videoChunkProblem("cam", chunk().setPayload(ByteBuffer.allocate(0)).build()));
    assertProblem("references an empty payload", ChunkRules.videoChunkProblem("cam",
        chunk().setPayload(new PayloadReference("s3://b/k", 0L, "ab")).build()));
  }

  @Test
  void theLimitsThemselvesAreWellFormed() {
    assertNull(ChunkRules.videoChunkProblem("cam", chunk().setSequence(0).setDurationMicros(1)
        .build()));
  }

  @Test
  void aControlRecordMustMatchItsKeyAndAskForAtLeastOneStep() {
    StreamControl.Builder control = StreamControl.newBuilder().setStreamId("cam");
    assertNull(ChunkRules.controlProblem("cam", control.build()));
    assertNull(ChunkRules.controlProblem("cam", control.setSteps(1).build()));
    assertProblem("steps must be positive: 0",
        ChunkRules.controlProblem("cam", control.setSteps(0).build()));
    assertProblem("differs from the record key 'x'",
        ChunkRules.controlProblem("x", control.setSteps(null).build()));
  }

  private static void assertProblem(String expected, String problem) {
    assertTrue(problem != null && problem.contains(expected),
        () -> "expected a problem containing \"" + expected + "\", got " + problem);
  }
}
