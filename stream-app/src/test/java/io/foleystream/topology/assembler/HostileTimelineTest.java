package io.foleystream.topology.assembler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.schemas.DeadLetter;
import io.foleystream.schemas.GapPolicy;
import io.foleystream.schemas.StreamControl;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.WindowTask;
import io.foleystream.schemas.registry.InMemorySchemaRegistry;
import io.foleystream.schemas.serde.SpecificAvroSerde;
import io.foleystream.topology.operations.PipelineMetrics;
import io.foleystream.topology.records.ControlBounds;
import io.foleystream.topology.records.TimelineBounds;
import io.foleystream.topology.records.TopicNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.LongStream;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The timeline and control bounds where records enter the assembler. */
class HostileTimelineTest {

  private static final String SCOPE = "hostile-timeline-test";
  private static final long S = 1_000_000L;
  private static final TopicNames TOPICS = new TopicNames("video", "control", "audio", "dlq",
      "tasks", "tails");
  private static final AssemblerSettings SETTINGS = new AssemblerSettings(8 * S, 8 * S, 2 * S,
      GapPolicy.NEAREST_FRAME, 30_000, "", "", 42, 25, 4.5);

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

  private void open(TimelineBounds bounds) {
    if (driver != null) {
      driver.close();
    }
    meters = new SimpleMeterRegistry();
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "hostile-timeline-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver = new TopologyTestDriver(AssemblerTopology.build(TOPICS, SETTINGS, bounds,
        ControlBounds.defaults(), serdeConfig, 1024, new PipelineMetrics(meters)), props);
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
    if (driver != null) {
      driver.close();
    }
    InMemorySchemaRegistry.dropScope(SCOPE);
  }

  private static VideoChunk chunk(String stream, long sequence, long startUs, long durationUs,
      boolean end) {
    return VideoChunk.newBuilder().setStreamId(stream).setSequence(sequence)
        .setPtsStartMicros(startUs).setDurationMicros(durationUs).setMediaType("video/mp2t")
        .setPayload(ByteBuffer.wrap(new byte[] {0x47, (byte) sequence})).setEndOfStream(end)
        .build();
  }

  private void sendChunk(VideoChunk chunk) {
    video.pipeInput(chunk.getStreamId(), chunkSerde.serializer().serialize("video", chunk));
  }

  private void send(String stream, long... sequences) {
    for (long n : sequences) {
      sendChunk(chunk(stream, n, n * 2 * S, 2 * S, false));
    }
  }

  private void sendControl(StreamControl value) {
    control.pipeInput(value.getStreamId(), controlSerde.serializer().serialize("control", value));
  }

  private List<String> deadLetterMessages() {
    return dlq.readValuesToList().stream().map(DeadLetter::getErrorMessage).toList();
  }

  private static void assertRules(List<String> messages, String... rules) {
    assertEquals(rules.length, messages.size(), messages.toString());
    for (int i = 0; i < rules.length; i++) {
      assertTrue(messages.get(i).startsWith(rules[i]), messages.get(i));
    }
  }

  @Test
  void chunksOutsideTheTimelineAreDeadLetteredByRuleAndTheStreamGoesOn() {
    open(TimelineBounds.defaults());
    send("cam", 0);
    sendChunk(chunk("cam", 1, 2 * S, 1_000_000_000_000_000L, false));
    sendChunk(chunk("cam", 2, Long.MIN_VALUE, 2 * S, false));
    sendChunk(chunk("cam", 3, Long.MAX_VALUE - 1000, 2 * S, false));
    sendChunk(chunk("cam", 4, 2 * S + 86_400 * S, 2 * S, false));
    sendChunk(chunk("cam", 5, -86_400 * S, 2 * S, false));
    send("cam", 1, 2, 3);
    assertRules(deadLetterMessages(), "max chunk duration", "PTS range", "PTS range",
        "max PTS jump", "max PTS jump");
    List<WindowTask> emitted = tasks.readValuesToList();
    assertEquals(1, emitted.size());
    assertEquals(0, emitted.get(0).getWindowStartMicros());
    assertEquals(4, emitted.get(0).getChunks().size());
  }

  @Test
  void anEndedStreamsRepeatsAreDroppedAndAFreshStartMayLieAnywhere() {
    open(TimelineBounds.defaults());
    send("cam", 0, 1, 2);
    sendChunk(chunk("cam", 3, 6 * S, 2 * S, true));
    send("cam", 0);
    sendChunk(chunk("cam", 4, 86_400 * S, 2 * S, true));
    assertRules(deadLetterMessages());
    assertEquals(1.0, meters.find("foleystream.chunks.dropped").tag("reason", "after-end")
        .counter().count());
    assertEquals(List.of(0L, 0L), tasks.readValuesToList().stream()
        .map(WindowTask::getWindowIndex).toList());
  }

  @Test
  void aDistantOriginIsDeadLetteredOnceChunksArrivedAndIgnoredBeforeThem() {
    open(TimelineBounds.defaults());
    long yearBack = -365L * 86_400 * S;
    sendControl(StreamControl.newBuilder().setStreamId("early").setOriginPtsMicros(yearBack)
        .build());
    send("early", 0, 1, 2, 3);
    send("late", 0);
    sendControl(StreamControl.newBuilder().setStreamId("late").setOriginPtsMicros(yearBack)
        .build());
    send("late", 1, 2, 3);
    assertRules(deadLetterMessages(), "origin distance");
    List<WindowTask> emitted = tasks.readValuesToList();
    assertEquals(List.of("early", "late"), emitted.stream().map(WindowTask::getStreamId)
        .toList());
    emitted.forEach(t -> assertEquals(0, t.getWindowStartMicros()));
  }

  @Test
  void conflictingDuplicatesAreDeadLetteredAndTrueDuplicatesDropped() {
    open(TimelineBounds.defaults());
    send("cam", 0);
    send("cam", 0);
    sendChunk(VideoChunk.newBuilder(chunk("cam", 0, 0, 2 * S, false))
        .setPayload(ByteBuffer.wrap(new byte[] {0x47, 9})).build());
    assertRules(deadLetterMessages(), "conflicting duplicate");
    assertEquals(1.0, meters.find("foleystream.chunks.dropped").tag("reason", "duplicate")
        .counter().count());
  }

  @Test
  void controlRecordsOutsideTheirBoundsAreDeadLettered() {
    open(TimelineBounds.defaults());
    ControlBounds bounds = ControlBounds.defaults();
    sendControl(StreamControl.newBuilder().setStreamId("cam")
        .setPrompt("x".repeat(bounds.maxPromptBytes() + 1)).build());
    sendControl(StreamControl.newBuilder().setStreamId("cam")
        .setNegativePrompt("\u00e9".repeat(bounds.maxPromptBytes() / 2 + 1)).build());
    sendControl(StreamControl.newBuilder().setStreamId("cam").setSteps(bounds.maxSteps() + 1)
        .build());
    sendControl(StreamControl.newBuilder().setStreamId("cam").setCfgStrength(-5.0).build());
    sendControl(StreamControl.newBuilder().setStreamId("cam").setCfgStrength(Double.NaN)
        .build());
    sendControl(StreamControl.newBuilder().setStreamId("cam").setSteps(bounds.maxSteps())
        .setCfgStrength(bounds.maxCfgStrength()).setPrompt("x".repeat(bounds.maxPromptBytes()))
        .build());
    assertRules(deadLetterMessages(), "max prompt bytes", "max prompt bytes", "max steps",
        "guidance range", "guidance range");
    send("cam", 0, 1, 2, 3);
    assertEquals(bounds.maxSteps(), tasks.readValue().getGeneration().getSteps());
  }

  /** Every window a stream with tiny hops emits, with or without caps on emission. */
  private List<WindowTask> emitAll(TimelineBounds bounds, int chunks) {
    open(bounds);
    sendControl(StreamControl.newBuilder().setStreamId("cam").setWindowHopMicros(S / 10)
        .build());
    List<WindowTask> out = new ArrayList<>();
    for (long n = 0; n < chunks; n++) {
      sendChunk(chunk("cam", n, n * 2 * S, 2 * S, n == chunks - 1));
      List<WindowTask> now = tasks.readValuesToList();
      assertTrue(now.size() <= bounds.maxWindowsPerRecord(), now.size() + " windows");
      out.addAll(now);
    }
    for (int i = 0; i < 1_000 && !(out.size() > 0 && isLast(out.get(out.size() - 1))); i++) {
      driver.advanceWallClockTime(Duration.ofSeconds(1));
      List<WindowTask> now = tasks.readValuesToList();
      assertTrue(now.size() <= bounds.maxWindowsPerPunctuation(), now.size() + " windows");
      out.addAll(now);
    }
    return out;
  }

  private static boolean isLast(WindowTask task) {
    return task.getWindowStartMicros() + task.getHopMicros() >= 12 * S;
  }

  @Test
  void windowsBeyondTheCapsAreDeferredNeverDropped() {
    List<WindowTask> all = emitAll(new TimelineBounds(60 * S, 60 * S, 8 * S, 100_000, 100_000),
        6);
    List<WindowTask> capped = emitAll(new TimelineBounds(60 * S, 60 * S, 8 * S, 3, 5), 6);
    assertTrue(all.size() > 3, all.size() + " windows");
    assertEquals(LongStream.range(0, all.size()).boxed().toList(),
        capped.stream().map(WindowTask::getWindowIndex).toList());
    assertEquals(all.stream().map(WindowTask::getWindowStartMicros).toList(),
        capped.stream().map(WindowTask::getWindowStartMicros).toList());
  }

  @Test
  void sumsSaturateInsteadOfWrappingAround() {
    assertEquals(Long.MAX_VALUE, TimelineBounds.saturatedAdd(Long.MAX_VALUE - 1000, 2000));
    assertEquals(Long.MIN_VALUE, TimelineBounds.saturatedAdd(Long.MIN_VALUE + 5, -6));
    assertEquals(3, TimelineBounds.saturatedAdd(1, 2));
  }
}
