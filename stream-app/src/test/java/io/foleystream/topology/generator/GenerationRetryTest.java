package io.foleystream.topology.generator;

import static io.foleystream.topology.generator.DriverFixtures.await;
import static io.foleystream.topology.generator.DriverFixtures.oneChunkEach;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import io.foleystream.schemas.WindowTask;
import io.foleystream.schemas.registry.InMemorySchemaRegistry;
import io.foleystream.schemas.serde.SpecificAvroSerde;
import io.foleystream.topology.operations.LagMeters;
import io.foleystream.topology.operations.PipelineMetrics;
import io.foleystream.topology.records.DeadLetters;
import io.foleystream.topology.records.PayloadFetcher;
import io.foleystream.topology.records.TopicNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
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
 * Bounded retries of the generation loop against Kafka's mock clients: a window that keeps
 * failing for a reason that is not its record's fault is dead-lettered once its budget is spent,
 * other streams go on, and running out of memory is never retried.
 */
class GenerationRetryTest {

  private static final String SCOPE = "generation-retry-test";
  private static final TopicNames TOPICS = new TopicNames("video", "control", "audio", "dlq",
      "tasks", "tails");
  private static final TopicPartition P0 = new TopicPartition("tasks", 0);
  private static final TopicPartition P1 = new TopicPartition("tasks", 1);

  private final Map<String, String> serdeConfig = Map.of("schema.registry.url", "mock://" + SCOPE);
  private MockConsumer<byte[], byte[]> consumer;
  private MockProducer<byte[], byte[]> producer;
  private SpecificAvroSerde<WindowTask> tasks;
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
    start(generator, batchSize, RetryBudget.defaults());
  }

  private void start(GenerationStep generator, int batchSize, RetryBudget retries) {
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
        WindowTails.inMemory(), metrics, BatchPolicy.arrivalOrder(batchSize, 20),
        System::currentTimeMillis, planner, new LagTracker(planner,
            new LagMeters(new SimpleMeterRegistry())), retries);
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

  private final Map<String, ConsumerRecord<byte[], byte[]>> sent = new java.util.HashMap<>();

  private void addTask(TopicPartition tp, long offset, WindowTask task) {
    byte[] value = tasks.serializer().serialize("tasks", task);
    sent.put(task.getStreamId() + "#" + task.getWindowIndex(), new ConsumerRecord<>(tp.topic(),
        tp.partition(), offset, "k".getBytes(), value));
    addRaw(tp, offset, value);
  }

  /**
   * The mock consumer does not fetch again after a seek, as a broker would: a failed batch's
   * records are handed over again.
   */
  private void redeliver(List<WindowTask> batch) {
    for (WindowTask t : batch) {
      ConsumerRecord<byte[], byte[]> record = sent.get(t.getStreamId() + "#" + t.getWindowIndex());
      consumer.schedulePollTask(() -> consumer.addRecord(record));
    }
  }

  private void addRaw(TopicPartition tp, long offset, byte[] value) {
    consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(tp.topic(),
        tp.partition(), offset, "k".getBytes(), value)));
  }

  private List<ProducerRecord<byte[], byte[]>> sentTo(String topic) {
    return DriverFixtures.sentTo(producer, topic);
  }

  private Map<TopicPartition, OffsetAndMetadata> lastOffsets() {
    return DriverFixtures.lastOffsets(producer);
  }

  @Test
  void aWindowThatKeepsFailingIsDeadLetteredWithinTheBudgetAndOtherStreamsGoOn()
      throws Exception {
    addTask(P0, 0, task("bad", 0));
    addTask(P1, 0, task("good", 0));
    addTask(P1, 1, task("good", 1));
    AtomicInteger badAttempts = new AtomicInteger();
    RetryBudget budget = new RetryBudget(3, 20_000);
    long started = System.currentTimeMillis();
    start((batch, tails, skipped) -> {
      if (batch.stream().anyMatch(t -> t.getStreamId().equals("bad"))) {
        badAttempts.incrementAndGet();
        redeliver(batch);
        throw new PayloadFetcher.PayloadException("payload server answered HTTP 503", false,
            null);
      }
      return oneChunkEach(batch);
    }, 4, budget);
    await(() -> lastOffsets().size() == 2 && lastOffsets().get(P1).offset() == 2,
        "both partitions committed");
    long tookMs = System.currentTimeMillis() - started;
    assertEquals(1L, lastOffsets().get(P0).offset(), "the failing window's partition moved on");
    List<ProducerRecord<byte[], byte[]>> letters = sentTo("dlq");
    assertEquals(1, letters.size());
    DeadLetter letter = serde(DeadLetter.class).deserializer().deserialize("dlq",
        letters.get(0).value());
    assertTrue(letter.getErrorMessage().contains("HTTP 503"), letter.getErrorMessage());
    assertTrue(letter.getErrorClass().endsWith("RetriesExhaustedException"));
    assertEquals(2, sentTo("audio").size(), "the other stream's windows are all generated");
    assertEquals(budget.maxAttempts() + 1, badAttempts.get(),
        "the budget's attempts, then one alone");
    assertTrue(tookMs < 20_000, "took " + tookMs + " ms");
  }

  @Test
  void theTimeBudgetEndsRetriesBeforeTheAttemptsDo() throws Exception {
    addTask(P0, 0, task("bad", 0));
    AtomicInteger attempts = new AtomicInteger();
    long started = System.currentTimeMillis();
    start((batch, tails, skipped) -> {
      attempts.incrementAndGet();
      redeliver(batch);
      throw new MediaException(MediaException.Reason.GSTREAMER_UNAVAILABLE, "decoder crashed");
    }, 4, new RetryBudget(1000, 1500));
    await(() -> lastOffsets().containsKey(P0), "the window given up");
    assertEquals(1, sentTo("dlq").size());
    assertTrue(attempts.get() < 10, attempts.get() + " attempts");
    assertTrue(System.currentTimeMillis() - started < 10_000);
  }

  @Test
  void runningOutOfMemoryIsNeverRetriedAndFailsThePart() throws Exception {
    addTask(P0, 0, task("a", 0));
    AtomicInteger attempts = new AtomicInteger();
    start((batch, tails, skipped) -> {
      attempts.incrementAndGet();
      throw new OutOfMemoryError("test: Java heap space");
    }, 4);
    await(() -> loop.state() == GenerationDriver.State.FAILED, "the loop failed");
    thread.join(10_000);
    assertEquals(1, attempts.get());
    assertTrue(lastOffsets().isEmpty());
    assertTrue(sentTo("dlq").isEmpty());
  }

  @Test
  void theBudgetCountsAttemptsAndTimePerWindow() {
    RetryBudget budget = new RetryBudget(3, 1000);
    RetryBudget.Window w = new RetryBudget.Window(P0, 7);
    RetryBudget.Window other = new RetryBudget.Window(P1, 7);
    assertTrue(!budget.failed(List.of(w), 0));
    assertTrue(!budget.failed(List.of(w), 10));
    assertEquals(1000, budget.remainingMillis(List.of(other), 500));
    assertEquals(500, budget.remainingMillis(List.of(w, other), 500));
    assertTrue(budget.failed(List.of(w), 20), "third attempt");
    assertTrue(budget.failed(List.of(other), 0) == false);
    assertTrue(budget.failed(List.of(other), 1000), "out of time");
    budget.forget(List.of(w));
    assertTrue(!budget.failed(List.of(w), 5000), "forgotten windows start afresh");
  }

  @Test
  void oneAttemptAndNoTimeIsTheSmallestBudget() {
    assertThrows(IllegalArgumentException.class,
        () -> new RetryBudget(0, 1000));
    assertThrows(IllegalArgumentException.class,
        () -> new RetryBudget(1, -1));
    RetryBudget once = new RetryBudget(1, 0);
    assertTrue(once.failed(List.of(new RetryBudget.Window(P0, 1)), 0),
        "the first failure is the last");
  }
}
