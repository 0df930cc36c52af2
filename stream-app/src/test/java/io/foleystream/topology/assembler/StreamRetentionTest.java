package io.foleystream.topology.assembler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.foleystream.schemas.GapPolicy;
import io.foleystream.schemas.StreamAssembly;
import io.foleystream.schemas.StreamControl;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.WindowTask;
import io.foleystream.schemas.registry.InMemorySchemaRegistry;
import io.foleystream.schemas.serde.SpecificAvroSerde;
import io.foleystream.topology.operations.PipelineMetrics;
import io.foleystream.topology.records.TopicNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ended and idle streams' state is deleted after the retention, from all three stores, and the
 * wall-clock check looks only at streams due.
 */
class StreamRetentionTest {

  private static final String SCOPE = "retention-test";
  private static final long S = 1_000_000L;
  private static final long RETENTION_MS = 60_000;
  private static final long IDLE_MS = 30_000;

  @TempDir
  Path stateDir;

  private final Map<String, String> serdeConfig = Map.of("schema.registry.url", "mock://" + SCOPE);
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> video;
  private TestInputTopic<String, byte[]> control;
  private TestOutputTopic<String, WindowTask> tasks;
  private SpecificAvroSerde<VideoChunk> chunkSerde;
  private SpecificAvroSerde<StreamControl> controlSerde;

  @BeforeEach
  void start() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "retention-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    AssemblerSettings settings = new AssemblerSettings(8 * S, 8 * S, 2 * S,
        GapPolicy.NEAREST_FRAME, IDLE_MS, "", "", 42, 25, 4.5, 1000, RETENTION_MS,
        AssemblerSettings.AudioGrid.TUMBLING_16K);
    driver = new TopologyTestDriver(AssemblerTopology.build(new TopicNames("video", "control",
        "audio", "dlq", "tasks", "tails"), settings, serdeConfig, 1024,
        new PipelineMetrics(meters)), props);
    chunkSerde = new SpecificAvroSerde<>(VideoChunk.class);
    chunkSerde.configure(serdeConfig, false);
    controlSerde = new SpecificAvroSerde<>(StreamControl.class);
    controlSerde.configure(serdeConfig, false);
    SpecificAvroSerde<WindowTask> taskSerde = new SpecificAvroSerde<>(WindowTask.class);
    taskSerde.configure(serdeConfig, false);
    video = driver.createInputTopic("video", Serdes.String().serializer(),
        new ByteArraySerializer());
    control = driver.createInputTopic("control", Serdes.String().serializer(),
        new ByteArraySerializer());
    tasks = driver.createOutputTopic("tasks", Serdes.String().deserializer(),
        taskSerde.deserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
    InMemorySchemaRegistry.dropScope(SCOPE);
  }

  private void chunk(String stream, long sequence, boolean end) {
    VideoChunk c = VideoChunk.newBuilder().setStreamId(stream).setSequence(sequence)
        .setPtsStartMicros(sequence * 2 * S).setDurationMicros(2 * S)
        .setMediaType("video/mp2t").setPayload(ByteBuffer.wrap(new byte[] {0x47}))
        .setEndOfStream(end).build();
    video.pipeInput(stream, chunkSerde.serializer().serialize("video", c));
  }

  private static long count(KeyValueStore<String, ?> store) {
    long n = 0;
    try (KeyValueIterator<String, ?> all = store.all()) {
      while (all.hasNext()) {
        all.next();
        n++;
      }
    }
    return n;
  }

  private KeyValueStore<String, StreamAssembly> assemblies() {
    return driver.getKeyValueStore(AssemblerStores.DEFAULT.assemblies());
  }

  private long entries() {
    return count(assemblies()) + count(driver.getKeyValueStore(AssemblerStores.DEFAULT.chunks()))
        + count(driver.getKeyValueStore(AssemblerStores.DEFAULT.controls()));
  }

  /** The median time of ten one-second ticks of the wall-clock check. */
  private long tickNanos() {
    long[] ticks = new long[10];
    for (int i = 0; i < ticks.length; i++) {
      long start = System.nanoTime();
      driver.advanceWallClockTime(Duration.ofSeconds(1));
      ticks[i] = System.nanoTime() - start;
    }
    java.util.Arrays.sort(ticks);
    return ticks[ticks.length / 2];
  }

  @Test
  void shortStreamsLeaveNothingBehindAfterTheRetention() {
    // 1,000 keep the suite fast; docs/benchmarks.md reports -Dretention.streams=10000.
    int streams = Integer.getInteger("retention.streams", 1000);
    long emptyTick = tickNanos();
    for (int n = 0; n < streams; n++) {
      String id = "short-" + n;
      control.pipeInput(id, controlSerde.serializer().serialize("control",
          StreamControl.newBuilder().setStreamId(id).setPrompt("p").build()));
      chunk(id, 0, true);
    }
    assertEquals(streams, tasks.readValuesToList().size(), "one window per stream");
    assertEquals(2L * streams, entries(), "an ended state and a control record per stream");
    long fullTick = tickNanos();
    driver.advanceWallClockTime(Duration.ofMillis(RETENTION_MS));
    assertEquals(0, entries(), "every store is empty after the retention");
    assertEquals((double) streams, meters.get("foleystream.streams.deleted").counter().count());
    long afterTick = tickNanos();
    // Printed for docs/benchmarks.md: a tick costs the same with 10,000 ended streams kept
    // waiting for their retention as with none, since only due streams are looked at.
    System.out.printf("idle check: %d us with no stream, %d us with %d ended streams waiting,"
        + " %d us after their deletion%n", emptyTick / 1000, fullTick / 1000, streams,
        afterTick / 1000);
  }

  @Test
  void anIdleStreamIsEmittedAtItsTimeoutAndDeletedAfterItsRetention() {
    chunk("idle", 0, false);
    chunk("idle", 1, false);
    driver.advanceWallClockTime(Duration.ofMillis(IDLE_MS + 1000));
    assertEquals(1, tasks.readValuesToList().size(), "the idle timeout emits what is there");
    assertNotNull(assemblies().get("idle"));
    driver.advanceWallClockTime(Duration.ofMillis(RETENTION_MS - IDLE_MS));
    assertNull(assemblies().get("idle"));
    assertEquals(0, entries());
  }

  @Test
  void aChunkBeforeTheRetentionKeepsTheStream() {
    chunk("busy", 0, false);
    driver.advanceWallClockTime(Duration.ofMillis(RETENTION_MS - 5000));
    chunk("busy", 5, false);
    driver.advanceWallClockTime(Duration.ofMillis(10_000));
    KeyValue<String, StreamAssembly> kept = KeyValue.pair("busy", assemblies().get("busy"));
    assertNotNull(kept.value, "the retention counts from the last chunk");
    assertEquals(2, kept.value.getAcceptedChunks());
  }
}
