package io.foleystream.topology.assembler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.schemas.DeadLetter;
import io.foleystream.schemas.GapPolicy;
import io.foleystream.schemas.PtsRange;
import io.foleystream.schemas.StreamControl;
import io.foleystream.schemas.StreamState;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.WindowCompletion;
import io.foleystream.schemas.WindowTask;
import io.foleystream.schemas.registry.InMemorySchemaRegistry;
import io.foleystream.schemas.serde.SpecificAvroSerde;
import io.foleystream.topology.operations.PipelineMetrics;
import io.foleystream.topology.records.TopicNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The window assembler's rules through Kafka Streams' test driver. */
class WindowAssemblerTest {

  private static final String SCOPE = "assembler-test";
  private static final long S = 1_000_000L;
  private static final TopicNames TOPICS = new TopicNames("video", "control", "audio", "dlq",
      "tasks", "tails");

  @TempDir
  Path stateDir;

  private final Map<String, String> serdeConfig = Map.of("schema.registry.url", "mock://" + SCOPE);
  private SimpleMeterRegistry meters;
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> video;
  private TestInputTopic<String, byte[]> control;
  private TestOutputTopic<byte[], DeadLetter> dlq;
  private TestOutputTopic<String, WindowTask> tasks;
  private SpecificAvroSerde<VideoChunk> chunkSerde;
  private SpecificAvroSerde<StreamControl> controlSerde;

  @BeforeEach
  void start() {
    open(new AssemblerSettings(8 * S, 8 * S, 2 * S, GapPolicy.NEAREST_FRAME, 30_000, "default",
        "", 42, 25, 4.5));
  }

  private void open(AssemblerSettings settings) {
    if (driver != null) {
      driver.close();
    }
    meters = new SimpleMeterRegistry();
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "assembler-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver = new TopologyTestDriver(AssemblerTopology.build(TOPICS, settings, serdeConfig,
        1024, new PipelineMetrics(meters)), props);
    chunkSerde = serde(VideoChunk.class);
    controlSerde = serde(StreamControl.class);
    video = driver.createInputTopic("video", Serdes.String().serializer(),
        new ByteArraySerializer());
    control = driver.createInputTopic("control", Serdes.String().serializer(),
        new ByteArraySerializer());
    dlq = driver.createOutputTopic("dlq", Serdes.ByteArray().deserializer(),
        serde(DeadLetter.class).deserializer());
    tasks = driver.createOutputTopic("tasks", Serdes.String().deserializer(),
        serde(WindowTask.class).deserializer());
  }

  private <T extends org.apache.avro.specific.SpecificRecord> SpecificAvroSerde<T> serde(
      Class<T> type) {
    SpecificAvroSerde<T> serde = new SpecificAvroSerde<>(type);
    serde.configure(serdeConfig, false);
    return serde;
  }

  @AfterEach
  void stop() {
    driver.close();
    InMemorySchemaRegistry.dropScope(SCOPE);
  }

  private static VideoChunk chunk(String stream, long sequence, long startUs, long durationUs,
      boolean end) {
    return VideoChunk.newBuilder().setStreamId(stream).setSequence(sequence)
        .setPtsStartMicros(startUs).setDurationMicros(durationUs).setMediaType("video/mp2t")
        .setPayload(ByteBuffer.wrap(new byte[] {0x47, (byte) sequence})).setEndOfStream(end)
        .build();
  }

  /** Sends 2 s chunks with the given sequence numbers of stream "cam". */
  private void send(long... sequences) {
    for (long n : sequences) {
      sendChunk(chunk("cam", n, n * 2 * S, 2 * S, false));
    }
  }

  private void sendChunk(VideoChunk chunk) {
    video.pipeInput(chunk.getStreamId(), chunkSerde.serializer().serialize("video", chunk));
  }

  private void sendControl(StreamControl value) {
    control.pipeInput(value.getStreamId(), controlSerde.serializer().serialize("control", value));
  }

  private double counter(String name, String tag, String value) {
    var c = meters.find(name).tag(tag, value).counter();
    return c == null ? 0 : c.count();
  }

  private static List<Long> sequences(WindowTask task) {
    return task.getChunks().stream().map(VideoChunk::getSequence).toList();
  }

  @Test
  void aWindowIsEmittedOnceItsRangeIsCovered() {
    send(0, 1, 2);
    assertTrue(tasks.isEmpty());
    send(3);
    WindowTask task = tasks.readValue();
    assertEquals(0, task.getWindowIndex());
    assertEquals(0, task.getWindowStartMicros());
    assertEquals(8 * S, task.getWindowDurationMicros());
    assertEquals(List.of(0L, 1L, 2L, 3L), sequences(task));
    assertEquals(WindowCompletion.COMPLETE, task.getCompletion());
    assertEquals(GapPolicy.NONE, task.getGapPolicy());
    assertEquals(8 * S, task.getCoveredMicros());
    assertEquals("default", task.getGeneration().getPrompt());
    assertEquals(25, task.getGeneration().getSteps());
    assertEquals(4, task.getChunkSources().size());
    assertEquals("video", task.getChunkSources().get(0).getTopic());
    assertEquals(3, task.getChunkSources().get(3).getOffset());
    assertTrue(tasks.isEmpty());
  }

  @Test
  void boundariesRoundedByAMicrosecondAreContiguousAndTheLastChunkTimeIsCarried() {
    // An external producer's chunks: each 1 us short of the next one's start.
    for (long n = 0; n < 4; n++) {
      sendChunk(chunk("cam", n, n * 2 * S, 2 * S - 1, false));
    }
    WindowTask task = tasks.readValue();
    assertEquals(WindowCompletion.COMPLETE, task.getCompletion());
    assertTrue(task.getGaps().isEmpty());
    assertEquals(8 * S, task.getCoveredMicros());
    assertEquals(task.getAssembledAt(), task.getLastChunkAt(),
        "emitted on its last chunk: ready at the moment that chunk was consumed");
  }

  @Test
  void aControlRecordWithoutPromptKeepsTheConfiguredOne() {
    sendControl(StreamControl.newBuilder().setStreamId("cam").setSeed(7L).build());
    send(0, 1, 2, 3);
    WindowTask task = tasks.readValue();
    assertEquals("default", task.getGeneration().getPrompt());
    assertEquals(7L, task.getGeneration().getSeed());
  }

  @Test
  void outOfOrderChunksAreAssembledInSequenceOrderFromTheEarliestOrigin() {
    send(1, 3, 0);
    assertTrue(tasks.isEmpty());
    send(2);
    WindowTask task = tasks.readValue();
    assertEquals(0, task.getWindowStartMicros());
    assertEquals(List.of(0L, 1L, 2L, 3L), sequences(task));
  }

  @Test
  void duplicatesAreDroppedAndCounted() {
    send(0, 1, 1, 2, 0, 3);
    assertEquals(List.of(0L, 1L, 2L, 3L), sequences(tasks.readValue()));
    assertEquals(2.0, counter("foleystream.chunks.dropped", "reason", "duplicate"));
    send(2);
    assertEquals(1.0, counter("foleystream.chunks.dropped", "reason", "late"));
    assertTrue(tasks.isEmpty());
  }

  @Test
  void aGapWaitsForTheGraceTimeThenTheWindowIsEmittedWithItsGap() {
    send(0, 1, 3, 4);
    assertTrue(tasks.isEmpty(), "stream time 10 s has not passed the window end 8 s + 2 s grace");
    send(5);
    WindowTask task = tasks.readValue();
    assertEquals(WindowCompletion.GRACE_EXPIRED, task.getCompletion());
    assertEquals(GapPolicy.NEAREST_FRAME, task.getGapPolicy());
    assertEquals(List.of(new PtsRange(4 * S, 6 * S)), task.getGaps());
    assertEquals(6 * S, task.getCoveredMicros());
    assertEquals(List.of(0L, 1L, 3L), sequences(task));
    assertEquals(1.0, counter("foleystream.windows.gaps.filled", "policy", "NEAREST_FRAME"));
    send(2);
    assertEquals(1.0, counter("foleystream.chunks.dropped", "reason", "late"),
        "the chunk came after its window was emitted");
  }

  @Test
  void aLateChunkWithinTheGraceCompletesTheWindow() {
    send(0, 1, 3, 4, 2);
    WindowTask task = tasks.readValue();
    assertEquals(WindowCompletion.COMPLETE, task.getCompletion());
    assertEquals(List.of(0L, 1L, 2L, 3L), sequences(task));
  }

  @Test
  void overlappingWindowsShareChunksAndAHopChangeAppliesFromTheNextWindow() {
    sendControl(StreamControl.newBuilder().setStreamId("cam").setWindowHopMicros(4 * S).build());
    send(0, 1, 2, 3, 4, 5);
    List<WindowTask> emitted = tasks.readValuesToList();
    assertEquals(2, emitted.size());
    assertEquals(List.of(0L, 1L, 2L, 3L), sequences(emitted.get(0)));
    assertEquals(4 * S, emitted.get(0).getHopMicros());
    assertEquals(4 * S, emitted.get(1).getWindowStartMicros());
    assertEquals(List.of(2L, 3L, 4L, 5L), sequences(emitted.get(1)));
    sendControl(StreamControl.newBuilder().setStreamId("cam").setWindowHopMicros(8 * S).build());
    send(6, 7);
    WindowTask third = tasks.readValue();
    assertEquals(8 * S, third.getWindowStartMicros(), "window 2 starts one old hop after window 1");
    assertEquals(8 * S, third.getHopMicros());
    send(8, 9, 10, 11);
    assertEquals(16 * S, tasks.readValue().getWindowStartMicros());
  }

  @Test
  void aChunkAcrossAWindowBoundaryBelongsToBothWindows() {
    sendChunk(chunk("cam", 0, 0, 3 * S, false));
    sendChunk(chunk("cam", 1, 3 * S, 3 * S, false));
    sendChunk(chunk("cam", 2, 6 * S, 3 * S, false));
    assertEquals(List.of(0L, 1L, 2L), sequences(tasks.readValue()));
    sendChunk(chunk("cam", 3, 9 * S, 3 * S, false));
    sendChunk(chunk("cam", 4, 12 * S, 3 * S, false));
    sendChunk(chunk("cam", 5, 15 * S, 3 * S, false));
    assertEquals(List.of(2L, 3L, 4L, 5L), sequences(tasks.readValue()));
  }

  @Test
  void theEndOfStreamFlushesThePartialLastWindow() {
    send(0, 1, 2, 3);
    tasks.readValue();
    sendChunk(chunk("cam", 4, 8 * S, 2 * S, true));
    WindowTask last = tasks.readValue();
    assertEquals(1, last.getWindowIndex());
    assertEquals(WindowCompletion.END_OF_STREAM, last.getCompletion());
    assertEquals(2 * S, last.getCoveredMicros());
    assertEquals(List.of(), last.getGaps());
    assertEquals(List.of(4L), sequences(last));
    assertTrue(tasks.isEmpty());
    send(3);
    assertEquals(1.0, counter("foleystream.chunks.dropped", "reason", "after-end"));
  }

  @Test
  void anEndOfStreamAtAWindowBoundaryEmitsNoEmptyWindow() {
    send(0, 1, 2);
    sendChunk(chunk("cam", 3, 6 * S, 2 * S, true));
    assertEquals(1, tasks.readValuesToList().size());
  }

  @Test
  void anEndArrivingBeforeAMissingChunkWaitsForIt() {
    send(0, 1, 2, 3);
    tasks.readValue();
    send(5);
    sendChunk(chunk("cam", 6, 12 * S, 2 * S, true));
    assertTrue(tasks.isEmpty());
    send(4);
    WindowTask last = tasks.readValue();
    assertEquals(WindowCompletion.END_OF_STREAM, last.getCompletion());
    assertEquals(List.of(4L, 5L, 6L), sequences(last));
  }

  @Test
  void aControlChangeAppliesFromTheNextWindow() {
    send(0, 1, 2);
    sendControl(StreamControl.newBuilder().setStreamId("cam").setPrompt("rain").setSeed(7L)
        .setSteps(10).setCfgStrength(2.0).build());
    send(3, 4, 5);
    assertEquals("rain", tasks.readValue().getGeneration().getPrompt(),
        "window 0 was not emitted yet when the control record came");
    sendControl(StreamControl.newBuilder().setStreamId("cam").setPrompt("wind").build());
    send(6, 7);
    WindowTask second = tasks.readValue();
    assertEquals("wind", second.getGeneration().getPrompt());
    assertEquals(42, second.getGeneration().getSeed(), "null fields take the defaults");
    assertEquals(25, second.getGeneration().getSteps());
  }

  @Test
  void aStoppedStreamDropsItsChunksAndSkipsTheirWindows() {
    send(0, 1, 2, 3);
    tasks.readValue();
    sendControl(StreamControl.newBuilder().setStreamId("cam").setState(StreamState.STOPPED)
        .build());
    send(4, 5, 6, 7);
    assertEquals(4.0, counter("foleystream.chunks.dropped", "reason", "stopped"));
    sendControl(StreamControl.newBuilder().setStreamId("cam").build());
    send(8, 9, 10, 11);
    WindowTask task = tasks.readValue();
    assertEquals(2, task.getWindowIndex());
    assertEquals(16 * S, task.getWindowStartMicros());
  }

  @Test
  void anIdleStreamIsEmittedAfterTheIdleTimeout() {
    send(0, 1);
    driver.advanceWallClockTime(Duration.ofSeconds(10));
    assertTrue(tasks.isEmpty());
    driver.advanceWallClockTime(Duration.ofSeconds(25));
    WindowTask task = tasks.readValue();
    assertEquals(WindowCompletion.GRACE_EXPIRED, task.getCompletion());
    assertEquals(List.of(new PtsRange(4 * S, 8 * S)), task.getGaps());
    driver.advanceWallClockTime(Duration.ofSeconds(60));
    assertTrue(tasks.isEmpty());
  }

  @Test
  void theControlRecordCanFixTheOrigin() {
    sendControl(StreamControl.newBuilder().setStreamId("cam").setOriginPtsMicros(2 * S).build());
    send(0, 1, 2, 3, 4);
    WindowTask task = tasks.readValue();
    assertEquals(2 * S, task.getWindowStartMicros());
    assertEquals(List.of(1L, 2L, 3L, 4L), sequences(task));
  }

  @Test
  void streamsAreAssembledIndependently() {
    for (long n = 0; n < 4; n++) {
      sendChunk(chunk("a", n, n * 2 * S, 2 * S, false));
      sendChunk(chunk("b", n, 100 * S + n * 2 * S, 2 * S, false));
    }
    List<WindowTask> emitted = tasks.readValuesToList();
    assertEquals(List.of("a", "b"), emitted.stream().map(WindowTask::getStreamId).toList());
    assertEquals(100 * S, emitted.get(1).getWindowStartMicros());
  }

  @Test
  void undecodableAndMalformedRecordsGoToTheDeadLetterTopicAndTheStreamGoesOn() {
    byte[] garbage = {1, 2, 3, 4, 5, 6};
    video.pipeInput("cam", garbage);
    video.pipeInput("cam", chunkSerde.serializer().serialize("video",
        chunk("other", 0, 0, 2 * S, false)));
    video.pipeInput("cam", chunkSerde.serializer().serialize("video",
        VideoChunk.newBuilder(chunk("cam", 9, 0, 2 * S, false)).setMediaType("video/avi")
            .build()));
    control.pipeInput("cam", garbage);
    send(0, 1, 2, 3);
    List<DeadLetter> letters = dlq.readValuesToList();
    assertEquals(4, letters.size());
    DeadLetter bad = letters.get(0);
    assertEquals("video", bad.getSourceTopic());
    assertEquals(0, bad.getSourceOffset());
    assertEquals(ByteBuffer.wrap(garbage), bad.getValue());
    assertEquals(ByteBuffer.wrap("cam".getBytes(StandardCharsets.UTF_8)), bad.getKey());
    assertEquals("window-assembler", bad.getStage());
    assertTrue(bad.getErrorClass().endsWith("UnknownMagicByteException"), bad.getErrorClass());
    assertTrue(letters.get(1).getErrorMessage().contains("differs from the record key"),
        letters.get(1).getErrorMessage());
    assertTrue(letters.get(2).getErrorMessage().contains("video/avi"),
        letters.get(2).getErrorMessage());
    assertEquals("control", letters.get(3).getStage());
    assertEquals(List.of(0L, 1L, 2L, 3L), sequences(tasks.readValue()));
    assertEquals(3.0, counter("foleystream.dlq.records", "stage", "window-assembler"));
  }
}
