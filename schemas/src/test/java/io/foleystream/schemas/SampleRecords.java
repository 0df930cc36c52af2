package io.foleystream.schemas;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/** Fully populated records of every top-level type, with each union branch used somewhere. */
public final class SampleRecords {

  private SampleRecords() {
  }

  /** A reference to a payload stored outside the topic. */
  public static PayloadReference reference() {
    return PayloadReference.newBuilder()
        .setUri("s3://foley-chunks/cam-1/000042.ts")
        .setSizeBytes(31_457_280L)
        .setSha256("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
        .build();
  }

  /** A chunk with its payload inline and every optional field set. */
  public static VideoChunk inlineChunk(long sequence) {
    return VideoChunk.newBuilder()
        .setStreamId("cam-1")
        .setSequence(sequence)
        .setPtsStartMicros(1_000_000L + sequence * 2_000_000L)
        .setDurationMicros(2_000_000L)
        .setMediaType("video/mp2t")
        .setCodec("avc1.64001f")
        .setWidth(1280)
        .setHeight(720)
        .setFrameRate(FrameRate.newBuilder().setNumerator(30_000).setDenominator(1001).build())
        .setPayload(ByteBuffer.wrap(new byte[] {0x47, 0x40, 0x00, 0x10, (byte) 0xff}))
        .setEndOfStream(false)
        .setCapturedAt(Instant.ofEpochMilli(1_764_000_000_123L))
        .build();
  }

  /** The last chunk of a stream, with its payload by reference and no optional field set. */
  public static VideoChunk referencedLastChunk() {
    return VideoChunk.newBuilder()
        .setStreamId("cam-1")
        .setSequence(7)
        .setPtsStartMicros(15_000_000L)
        .setDurationMicros(1_500_000L)
        .setMediaType("video/webm")
        .setPayload(reference())
        .setEndOfStream(true)
        .build();
  }

  /** Audio generated for a window. */
  public static AudioChunk audioChunk() {
    return AudioChunk.newBuilder()
        .setStreamId("cam-1")
        .setWindowIndex(3)
        .setChunkIndex(1)
        .setChunkCount(4)
        .setPtsStartMicros(26_000_000L)
        .setDurationMicros(2_000_000L)
        .setSampleRate(44_100)
        .setChannels(1)
        .setSampleEncoding(SampleEncoding.PCM_F32LE)
        .setPayload(ByteBuffer.wrap(new byte[] {0, 0, (byte) 0x80, 0x3f}))
        .setGeneration(GenerationParameters.newBuilder()
            .setModelVariant("large_44k_v2")
            .setSeed(-6_917_529_027_641_081_856L)
            .setSteps(25)
            .setCfgStrength(4.5)
            .setPromptSha256("2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae")
            .setNegativePromptSha256(
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
            .build())
        .setEndOfStream(false)
        .setGeneratedAt(Instant.ofEpochMilli(1_764_000_004_000L))
        .build();
  }

  /** Settings with every optional field set. */
  public static StreamControl control() {
    return StreamControl.newBuilder()
        .setStreamId("cam-1")
        .setState(StreamState.STARTED)
        .setPrompt("footsteps on gravel")
        .setNegativePrompt("music")
        .setSeed(42L)
        .setSteps(25)
        .setCfgStrength(4.5)
        .setModelVariant("small_16k")
        .setWindowHopMicros(4_000_000L)
        .setOriginPtsMicros(1_000_000L)
        .setIssuedAt(Instant.ofEpochMilli(1_764_000_000_000L))
        .build();
  }

  /** A record that failed to deserialize, with key, value and headers. */
  public static DeadLetter deadLetter() {
    return DeadLetter.newBuilder()
        .setSourceTopic("foley.video.chunks")
        .setSourcePartition(2)
        .setSourceOffset(1_234_567L)
        .setSourceTimestamp(Instant.ofEpochMilli(1_764_000_000_500L))
        .setKey(ByteBuffer.wrap("cam-1".getBytes(StandardCharsets.UTF_8)))
        .setValue(ByteBuffer.wrap(new byte[] {1, 0, 0, 0, 9}))
        .setHeaders(List.of(
            RecordHeader.newBuilder().setKey("trace").setValue(ByteBuffer.wrap(new byte[] {7}))
                .build(),
            RecordHeader.newBuilder().setKey("empty").setValue(null).build()))
        .setStage("deserialize")
        .setErrorClass("io.foleystream.schemas.serde.UnknownMagicByteException")
        .setErrorMessage("unknown magic byte 0x01")
        .setFailedAt(Instant.ofEpochMilli(1_764_000_001_000L))
        .build();
  }

  /** A dead letter whose value is kept by reference. */
  public static DeadLetter referencedDeadLetter() {
    return DeadLetter.newBuilder(deadLetter())
        .setKey(null)
        .setValue(reference())
        .setHeaders(List.of())
        .setStage(null)
        .setSourceTimestamp(null)
        .build();
  }

  /** A window with a gap past its grace time, embedding both kinds of chunk. */
  public static WindowTask windowTask() {
    return WindowTask.newBuilder()
        .setStreamId("cam-1")
        .setWindowIndex(1)
        .setWindowStartMicros(9_000_000L)
        .setWindowDurationMicros(8_000_000L)
        .setHopMicros(8_000_000L)
        .setGeneration(GenerationSettings.newBuilder()
            .setPrompt("footsteps on gravel")
            .setNegativePrompt("")
            .setSeed(42L)
            .setSteps(25)
            .setCfgStrength(4.5)
            .setModelVariant(null)
            .build())
        .setChunks(List.of(inlineChunk(4), referencedLastChunk()))
        .setCoveredMicros(5_500_000L)
        .setGaps(List.of(PtsRange.newBuilder().setStartMicros(11_000_000L)
            .setEndMicros(13_500_000L).build()))
        .setCompletion(WindowCompletion.GRACE_EXPIRED)
        .setGapPolicy(GapPolicy.NEAREST_FRAME)
        .setChunkSources(List.of(
            RecordPosition.newBuilder().setTopic("foley.video.chunks").setPartition(0)
                .setOffset(4).build(),
            RecordPosition.newBuilder().setTopic("foley.video.chunks").setPartition(0)
                .setOffset(7).build()))
        .setAssembledAt(Instant.ofEpochMilli(1_764_000_002_000L))
        .build();
  }

  /** A stream's assembler state with one buffered chunk and the end not yet seen. */
  public static StreamAssembly streamAssembly() {
    return StreamAssembly.newBuilder()
        .setStreamId("cam-1")
        .setOriginMicros(1_000_000L)
        .setOriginFixed(true)
        .setNextWindowIndex(1)
        .setNextWindowStartMicros(9_000_000L)
        .setFirstSequence(0L)
        .setAcceptedChunks(5)
        .setMaxEndMicros(11_000_000L)
        .setLastChunkAt(Instant.ofEpochMilli(1_764_000_001_000L))
        .setChunks(List.of(BufferedChunk.newBuilder().setSequence(4).setStartMicros(9_000_000L)
            .setDurationMicros(2_000_000L).setPartition(0).setOffset(4).build()))
        .build();
  }

  /** One or more samples of every top-level type. */
  public static List<SpecificRecord> all() {
    return List.of(inlineChunk(0), referencedLastChunk(), audioChunk(), control(),
        StreamControl.newBuilder().setStreamId("cam-2").build(), deadLetter(),
        referencedDeadLetter(), windowTask(), streamAssembly());
  }
}
