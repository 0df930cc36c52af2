package io.foleystream.topology.generator;

import static io.foleystream.topology.generator.DriverFixtures.await;
import static io.foleystream.topology.generator.DriverFixtures.oneChunkEach;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.media.MediaException;
import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.DeadLetter;
import io.foleystream.schemas.DeadlineAction;
import io.foleystream.schemas.GapPolicy;
import io.foleystream.schemas.GenerationSettings;
import io.foleystream.schemas.GeneratorState;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.WindowCompletion;
import io.foleystream.schemas.WindowMode;
import io.foleystream.schemas.WindowTask;
import io.foleystream.schemas.registry.InMemorySchemaRegistry;
import io.foleystream.schemas.serde.SpecificAvroSerde;
import io.foleystream.topology.operations.LagMeters;
import io.foleystream.topology.operations.PipelineMetrics;
import io.foleystream.topology.records.DeadLetters;
import io.foleystream.topology.records.TopicNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The generation loop's exactly-once bookkeeping against Kafka's mock clients: what a batch's
 * transaction holds, what a rebalance during generation drops, what a failure rewinds.
 */
class GenerationDriverTest {

  private static final String SCOPE = "generation-driver-test";
  private static final TopicNames TOPICS = new TopicNames("video", "control", "audio", "dlq",
      "tasks", "tails");
  private static final TopicPartition P0 = new TopicPartition("tasks", 0);
  private static final TopicPartition P1 = new TopicPartition("tasks", 1);

  private final Map<String, String> serdeConfig = Map.of("schema.registry.url", "mock://" + SCOPE);
  private MockConsumer<byte[], byte[]> consumer;
  private MockProducer<byte[], byte[]> producer;
  private SpecificAvroSerde<WindowTask> tasks;
  private final LagMeters lagMeters = new LagMeters(new SimpleMeterRegistry());
  private GenerationDriver loop;
  private Thread thread;

  @BeforeEach
  void setUp() {
    consumer = new MockConsumer<>("earliest");
    producer = new MockProducer<>(true, null, new ByteArraySerializer(),
        new ByteArraySerializer());
    tasks = serde(WindowTask.class);
    consumer.schedulePollTask(() -> {
      consumer.rebalance(List.of(P0, P1));
      consumer.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
    });
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    if (loop != null) {
      loop.stop();
      thread.join(10_000);
    }
    InMemorySchemaRegistry.dropScope(SCOPE);
  }

  private <T extends org.apache.avro.specific.SpecificRecord> SpecificAvroSerde<T> serde(
      Class<T> type) {
    SpecificAvroSerde<T> serde = new SpecificAvroSerde<>(type);
    serde.configure(serdeConfig, false);
    return serde;
  }

  private void start(GenerationStep generator, int batchSize) {
    start(generator, BatchPolicy.arrivalOrder(batchSize, 20));
  }

  private void start(GenerationStep generator, BatchPolicy policy) {
    start(generator, policy, WindowTails.inMemory(), System::currentTimeMillis, 0);
  }

  private void start(GenerationStep generator, BatchPolicy policy, WindowTails tails,
      LongSupplier clock, long stateRetentionMillis) {
    PipelineMetrics metrics = new PipelineMetrics(new SimpleMeterRegistry());
    WindowPlanner planner = new WindowPlanner(stream -> null,
        new WindowPlanner.Defaults("", "", 42L, 2, 4.5),
        new DeadlinePolicy(60_000, DeadlineAction.QUEUE), decision -> { });
    OutputRecords output = new OutputRecords(TOPICS, new OutputRecords.Codecs(
        tasks.deserializer(), serde(AudioChunk.class).serializer(),
        serde(DeadLetter.class).serializer(), serde(VideoChunk.class).serializer(),
        serde(GeneratorState.class).serializer()),
        new DeadLetters(1024), metrics);
    loop = new GenerationDriver(consumer, producer, TOPICS, generator, output,
        tails, metrics, policy, clock, planner, new LagTracker(planner, lagMeters),
        RetryBudget.defaults(), stateRetentionMillis);
    thread = new Thread(loop, "loop-under-test");
    thread.start();
  }

  private static WindowTask task(String stream, long index) {
    return WindowTask.newBuilder().setStreamId(stream).setWindowIndex(index)
        .setWindowStartMicros(index * 8_000_000L).setWindowDurationMicros(8_000_000L)
        .setHopMicros(8_000_000L).setGeneration(new GenerationSettings("", "", 42L, 2, 4.5,
            null, false)).setChunks(List.of()).setCoveredMicros(8_000_000L)
        .setCompletion(WindowCompletion.COMPLETE).setGapPolicy(GapPolicy.NONE)
        .setAssembledAt(Instant.now()).build();
  }

  private void addTask(TopicPartition tp, long offset, WindowTask task) {
    addRaw(tp, offset, task.getStreamId().getBytes(StandardCharsets.UTF_8),
        tasks.serializer().serialize("tasks", task));
  }

  private void addRaw(TopicPartition tp, long offset, byte[] key, byte[] value) {
    consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(tp.topic(),
        tp.partition(), offset, key, value)));
  }

  private List<ProducerRecord<byte[], byte[]>> sentTo(String topic) {
    return DriverFixtures.sentTo(producer, topic);
  }

  private Map<TopicPartition, OffsetAndMetadata> lastOffsets() {
    return DriverFixtures.lastOffsets(producer);
  }

  @Test
  void aBatchCommitsItsAudioAndItsOffsetsInOneTransaction() throws Exception {
    addTask(P0, 0, task("a", 0));
    addTask(P1, 0, task("b", 0));
    List<Integer> batchSizes = new ArrayList<>();
    start((batch, tails, skipped) -> {
      batchSizes.add(batch.size());
      return oneChunkEach(batch);
    }, 4);
    await(() -> lastOffsets().size() == 2, "both partitions committed");
    assertEquals(1L, lastOffsets().get(P0).offset());
    assertEquals(1L, lastOffsets().get(P1).offset());
    assertEquals(2, sentTo("audio").size());
    assertEquals(List.of(2), batchSizes, "windows ready together form one batch");
    assertTrue(producer.transactionCommitted());
  }

  /** A step that records, in order, the batches it generates and the windows said to follow. */
  private static final class Recording implements GenerationStep {
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final Runnable duringFirstBatch;
    private final long started = System.nanoTime();

    Recording(Runnable duringFirstBatch) {
      this.duringFirstBatch = duringFirstBatch;
    }

    @Override
    public List<Outcome> generate(List<WindowTask> batch,
        Function<WindowTask, GeneratorState> tails,
        Predicate<WindowTask> skipped) {
      events.add("generate " + indexes(batch));
      if (events.size() == 1) {
        duringFirstBatch.run();
        try {
          DriverFixtures.await(() -> events.contains("upcoming [2, 3]") || sleepy(),
              "windows said to follow");
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      events.add("done " + indexes(batch));
      return oneChunkEach(batch);
    }

    /** Without read-ahead nothing follows during the batch: give the driver a second. */
    private boolean sleepy() {
      return System.nanoTime() - started > 1_000_000_000L;
    }

    @Override
    public void upcoming(List<WindowTask> tasks) {
      if (!tasks.isEmpty()) {
        events.add("upcoming " + indexes(tasks));
      }
    }

    static List<Long> indexes(List<WindowTask> tasks) {
      return tasks.stream().map(WindowTask::getWindowIndex).toList();
    }
  }

  @Test
  void withReadAheadTheNextBatchIsReadAndAnnouncedWhileOneIsGenerated() throws Exception {
    addTask(P0, 0, task("a", 0));
    addTask(P0, 1, task("a", 1));
    Recording step = new Recording(() -> {
      addTask(P0, 2, task("a", 2));
      addTask(P0, 3, task("a", 3));
    });
    start(step, new BatchPolicy(2, 2, 20, Comparator.comparingLong(
        PendingWindow::receivedAtMillis)));
    await(() -> lastOffsets().containsKey(P0) && lastOffsets().get(P0).offset() == 4,
        "all four committed");
    List<String> events = new ArrayList<>(step.events);
    assertEquals("generate [0, 1]", events.get(0));
    assertTrue(events.indexOf("upcoming [2, 3]") > 0
        && events.indexOf("upcoming [2, 3]") < events.indexOf("done [0, 1]"),
        "read and announced during the batch: " + events);
    assertTrue(events.indexOf("done [0, 1]") < events.indexOf("generate [2, 3]"), "" + events);
    assertEquals(4, sentTo("audio").size());
  }

  @Test
  void withoutReadAheadNothingIsReadWhileABatchIsGenerated() throws Exception {
    addTask(P0, 0, task("a", 0));
    addTask(P0, 1, task("a", 1));
    Recording step = new Recording(() -> {
      addTask(P0, 2, task("a", 2));
      addTask(P0, 3, task("a", 3));
    });
    start(step, 2);
    await(() -> lastOffsets().containsKey(P0) && lastOffsets().get(P0).offset() == 4,
        "all four committed");
    List<String> events = new ArrayList<>(step.events);
    assertEquals(List.of("generate [0, 1]", "done [0, 1]", "generate [2, 3]", "done [2, 3]"),
        events, "the partitions stay paused during the batch");
  }

  private static GeneratorState state(String stream) {
    return GeneratorState.newBuilder().setStreamId(stream).setWindowIndex(0)
        .setMode(WindowMode.LIVE).setOriginMicros(0L).setSampleRate(16_000)
        .setWindowOffsetSamples(0L).setPublishedEndSamples(16_000L)
        .setTail(ByteBuffer.allocate(0)).setLastSample(null).setLatentFrames(0)
        .setLatent(ByteBuffer.allocate(0)).build();
  }

  @Test
  void theStateOfAStreamIdleForItsRetentionIsDeletedInATransaction() throws Exception {
    AtomicLong now = new AtomicLong(1_000_000);
    WindowTails tails = new WindowTails(partition -> partition == 0
        ? Map.of("idle", state("idle")) : Map.of("recent", state("recent")), now::get);
    start((batch, committed, skipped) -> oneChunkEach(batch),
        BatchPolicy.arrivalOrder(4, 20), tails, now::get, 60_000);
    await(() -> tails.get(0, "idle") != null && tails.get(1, "recent") != null,
        "the states read back on assignment");
    now.addAndGet(50_000);
    tails.put(1, "recent", state("recent"));
    Thread.sleep(600);
    assertTrue(sentTo("tails").isEmpty(), "nothing is deleted before its retention");
    now.addAndGet(10_001);
    await(() -> !sentTo("tails").isEmpty(), "the idle stream's tombstone");
    ProducerRecord<byte[], byte[]> tombstone = sentTo("tails").get(0);
    assertEquals("idle", new String(tombstone.key(), StandardCharsets.UTF_8));
    assertEquals(0, tombstone.partition());
    assertEquals(null, tombstone.value());
    assertTrue(producer.transactionCommitted());
    await(() -> tails.get(0, "idle") == null, "the state forgotten once committed");
    assertEquals(state("recent"), tails.get(1, "recent"), "a stream used since is kept");
    assertEquals(1, sentTo("tails").size());
  }

  @Test
  void aPartitionRevokedDuringGenerationIsNeitherPublishedNorCommitted() throws Exception {
    addTask(P0, 0, task("kept", 0));
    addTask(P1, 0, task("revoked", 0));
    start((batch, tails, skipped) -> {
      consumer.schedulePollTask(() -> consumer.rebalance(List.of(P0)));
      try {
        Thread.sleep(500);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return oneChunkEach(batch);
    }, 4);
    await(() -> lastOffsets().containsKey(P0), "the kept partition committed");
    assertEquals(1, sentTo("audio").size());
    ProducerRecord<byte[], byte[]> audio = sentTo("audio").get(0);
    assertEquals("kept", new String(audio.key(), StandardCharsets.UTF_8));
    try (SpecificAvroSerde<AudioChunk> chunks = serde(AudioChunk.class)) {
      assertEquals("kept", chunks.deserializer().deserialize("audio", audio.value())
          .getStreamId().toString());
    }
    assertTrue(!lastOffsets().containsKey(P1), "the revoked partition's offset is untouched");
  }

  @Test
  void anUndecodableRecordIsDeadLetteredInTheBatchsTransaction() throws Exception {
    addRaw(P0, 0, "broken".getBytes(StandardCharsets.UTF_8), new byte[] {9, 9, 9});
    addTask(P0, 1, task("a", 0));
    start((batch, tails, skipped) -> oneChunkEach(batch), 4);
    await(() -> lastOffsets().containsKey(P0) && lastOffsets().get(P0).offset() == 2,
        "both records committed");
    assertEquals(1, sentTo("dlq").size());
    assertEquals(1, sentTo("audio").size());
  }

  @Test
  void aFailureThatIsNotTheRecordsFaultIsRetriedFromTheSameOffsets() throws Exception {
    WindowTask window = task("a", 0);
    addTask(P0, 0, window);
    AtomicInteger calls = new AtomicInteger();
    List<Long> positionsAtRefetch = new ArrayList<>();
    start((batch, tails, skipped) -> {
      if (calls.incrementAndGet() == 1) {
        // The mock consumer does not fetch again after a seek, as a broker would: hand the
        // record over again, noting where the loop had rewound to.
        consumer.schedulePollTask(() -> {
          positionsAtRefetch.add(consumer.position(P0));
          consumer.addRecord(new ConsumerRecord<>("tasks", 0, 0L, "k".getBytes(),
              tasks.serializer().serialize("tasks", window)));
        });
        throw new MediaException(MediaException.Reason.GSTREAMER_UNAVAILABLE, "plugin missing");
      }
      return oneChunkEach(batch);
    }, 4);
    await(() -> lastOffsets().containsKey(P0), "committed after the retry");
    assertEquals(2, calls.get());
    assertEquals(List.of(0L), positionsAtRefetch, "rewound to the batch's first offset");
    assertEquals(1, sentTo("audio").size(), "the failed attempt published nothing");
    assertEquals(1L, lastOffsets().get(P0).offset());
  }

  @Test
  void aCommitThatTimesOutIsRetriedNotAborted() throws Exception {
    AtomicInteger timeouts = new AtomicInteger(2);
    producer = new MockProducer<>(true, null, new ByteArraySerializer(),
        new ByteArraySerializer()) {
      @Override
      public synchronized void commitTransaction() {
        if (timeouts.getAndDecrement() > 0) {
          throw new org.apache.kafka.common.errors.TimeoutException("commit timed out");
        }
        super.commitTransaction();
      }
    };
    addTask(P0, 0, task("a", 0));
    AtomicInteger calls = new AtomicInteger();
    start((batch, tails, skipped) -> {
      calls.incrementAndGet();
      return oneChunkEach(batch);
    }, 4);
    await(() -> lastOffsets().containsKey(P0), "committed after two timed-out attempts");
    assertEquals(1, calls.get(), "the window was generated once");
    assertTrue(!producer.transactionAborted(), "a timed-out commit is never aborted");
    assertEquals(1, sentTo("audio").size());
    assertEquals(GenerationDriver.State.RUNNING, loop.state());
  }

  @Test
  void anAbortThatTimesOutIsRetriedSoTheNextTransactionCanBegin() throws Exception {
    AtomicInteger failedCommits = new AtomicInteger(1);
    AtomicInteger abortTimeouts = new AtomicInteger(2);
    AtomicInteger aborts = new AtomicInteger();
    producer = new MockProducer<>(true, null, new ByteArraySerializer(),
        new ByteArraySerializer()) {
      @Override
      public synchronized void commitTransaction() {
        if (failedCommits.getAndDecrement() > 0) {
          throw new org.apache.kafka.common.KafkaException("the broker went away");
        }
        super.commitTransaction();
      }

      @Override
      public synchronized void abortTransaction() {
        aborts.incrementAndGet();
        if (abortTimeouts.getAndDecrement() > 0) {
          throw new org.apache.kafka.common.errors.TimeoutException("abort timed out");
        }
        super.abortTransaction();
      }
    };
    WindowTask window = task("a", 0);
    addTask(P0, 0, window);
    AtomicInteger calls = new AtomicInteger();
    start((batch, tails, skipped) -> {
      if (calls.incrementAndGet() == 1) {
        // The rewound record, handed over again as a broker would after the seek.
        consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>("tasks", 0, 0L,
            "k".getBytes(), tasks.serializer().serialize("tasks", window))));
      }
      return oneChunkEach(batch);
    }, 4);
    await(() -> lastOffsets().containsKey(P0), "committed after the failed commit's abort");
    assertEquals(3, aborts.get(), "the abort retried until it completed");
    assertEquals(2, calls.get(), "the window was generated again after the abort");
    assertEquals(GenerationDriver.State.RUNNING, loop.state());
  }

  @Test
  void aCommitThatKeepsTimingOutEndsThePart() throws Exception {
    producer = new MockProducer<>(true, null, new ByteArraySerializer(),
        new ByteArraySerializer()) {
      @Override
      public synchronized void commitTransaction() {
        throw new org.apache.kafka.common.errors.TimeoutException("commit timed out");
      }
    };
    addTask(P0, 0, task("a", 0));
    start((batch, tails, skipped) -> oneChunkEach(batch), 4);
    thread.join(20_000);
    assertEquals(GenerationDriver.State.FAILED, loop.state());
    assertTrue(producer.closed(), "the producer is closed");
    assertTrue(lastOffsets().isEmpty());
  }

  @Test
  void aFencedProducerEndsThePartWithoutRetrying() throws Exception {
    AtomicInteger commits = new AtomicInteger();
    producer = new MockProducer<>(true, null, new ByteArraySerializer(),
        new ByteArraySerializer()) {
      @Override
      public synchronized void commitTransaction() {
        commits.incrementAndGet();
        throw new org.apache.kafka.common.errors.ProducerFencedException("a newer instance");
      }
    };
    addTask(P0, 0, task("a", 0));
    start((batch, tails, skipped) -> oneChunkEach(batch), 4);
    thread.join(20_000);
    assertEquals(GenerationDriver.State.FAILED, loop.state());
    assertEquals(1, commits.get(), "a fenced commit is not retried");
    assertTrue(producer.closed());
  }
}
