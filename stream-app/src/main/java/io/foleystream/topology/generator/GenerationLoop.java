package io.foleystream.topology.generator;

import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.DeadLetter;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.WindowTask;
import io.foleystream.schemas.serde.AvroSerdeException;
import io.foleystream.topology.assembler.RecordDecoder;
import io.foleystream.topology.operations.PipelineMetrics;
import io.foleystream.topology.records.DeadLetters;
import io.foleystream.topology.records.TopicNames;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The generation stage: a transactional consume-generate-produce loop over the window task
 * topic, exactly once.
 *
 * <h2>Why a loop of its own</h2>
 * Generating a window takes seconds to minutes on a CPU. Inside a Kafka Streams task that time
 * would pass between two polls (past {@code max.poll.interval.ms}) and inside an open
 * transaction (past {@code transaction.timeout.ms}), and Streams batches nothing across tasks.
 * Here the poll thread hands a batch to a worker thread, pauses every assigned partition, and
 * keeps polling (fetching nothing) while the worker runs, so the consumer stays in its group
 * however long generation takes. The transaction is opened only once the audio exists: the
 * batch's audio chunks, its dead letters and its input offsets are committed in one short
 * transaction ({@code sendOffsetsToTransaction} with the consumer's group metadata, so a
 * stale member is fenced by the group coordinator).
 *
 * <h2>Batches</h2>
 * Windows that are ready at the same time (read by one poll, or arriving within the batch wait
 * after the first) form one batch of at most the batch size; the consumer reads at most the batch
 * size per poll.
 *
 * <h2>Rebalances</h2>
 * Partitions are assigned with the cooperative sticky assignor, so a rebalance revokes only the
 * partitions that move. If a partition of the running batch is revoked, that partition's part of
 * the batch is thrown away once the worker finishes (its new owner generates it again from the
 * committed offset, with the same seed and so the same audio); the rest commits. If a commit
 * fails, the transaction is aborted and the batch's partitions are rewound to the batch start.
 *
 * <h2>State</h2>
 * The only state is each stream's crossfade tail ({@link WindowTails}): written to the compacted
 * tail topic in the batch's transaction, applied in memory once the transaction committed, read
 * back for every partition assigned.
 *
 * <h2>Failures</h2>
 * A record that is at fault (undecodable bytes, an unknown schema id, a window that cannot be
 * generated, an undecodable chunk inside it) goes to the dead-letter topic in the batch's
 * transaction. Anything else (registry or broker unreachable, a decoder or ONNX Runtime failure)
 * aborts the batch, rewinds, waits (1 s doubling up to 30 s) and tries again.
 */
public final class GenerationLoop implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(GenerationLoop.class);
  private static final Duration IDLE_POLL = Duration.ofMillis(500);
  private static final Duration BUSY_POLL = Duration.ofMillis(100);
  private static final long MAX_BACKOFF_MS = 30_000;

  /** How the loop's lifecycle looks from outside, for the health endpoint. */
  public enum State {
    /** Not yet polling. */
    STARTING,
    /** Polling and generating. */
    RUNNING,
    /** Retrying after a failure that is not a record's fault. */
    RETRYING,
    /** Stopped after {@link #stop()}. */
    STOPPED,
    /** Stopped by an error it cannot get past (fenced, not authorized). */
    FAILED
  }

  /** The serdes and codecs the loop uses. */
  public record Codecs(Deserializer<WindowTask> tasks, Serializer<AudioChunk> audio,
      Serializer<DeadLetter> deadLetters, Serializer<VideoChunk> chunks) {}

  private final Consumer<byte[], byte[]> consumer;
  private final Producer<byte[], byte[]> producer;
  private final TopicNames topics;
  private final BatchGenerator generator;
  private final Codecs codecs;
  private final DeadLetters deadLetters;
  private final WindowTails tails;
  private final PipelineMetrics metrics;
  private final int batchSize;
  private final long batchWaitMs;
  private final ExecutorService worker;
  private final Deque<ConsumerRecord<byte[], byte[]>> pending = new ArrayDeque<>();
  private final Set<TopicPartition> revokedDuringBatch = new HashSet<>();
  private volatile boolean running = true;
  private volatile boolean busy;
  private volatile State state = State.STARTING;
  private long backoffMs;

  public GenerationLoop(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer,
      TopicNames topics, BatchGenerator generator, Codecs codecs, DeadLetters deadLetters,
      WindowTails tails, PipelineMetrics metrics, int batchSize, long batchWaitMs) {
    this.consumer = consumer;
    this.producer = producer;
    this.topics = topics;
    this.generator = generator;
    this.codecs = codecs;
    this.deadLetters = deadLetters;
    this.tails = tails;
    this.metrics = metrics;
    this.batchSize = batchSize;
    this.batchWaitMs = batchWaitMs;
    this.worker = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "foleystream-generation-worker");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * The loop's state.
   *
   * @return the state
   */
  public State state() {
    return state;
  }

  /** Asks the loop to finish its batch, commit it, and return. */
  public void stop() {
    running = false;
    consumer.wakeup();
  }

  @Override
  public void run() {
    try {
      producer.initTransactions();
      consumer.subscribe(List.of(topics.windowTasks()), new Rebalances());
      state = State.RUNNING;
      long firstPendingAt = 0;
      while (running) {
        boolean wasEmpty = pending.isEmpty();
        try {
          consumer.poll(wasEmpty ? IDLE_POLL : Duration.ofMillis(Math.max(1, batchWaitMs)))
              .forEach(pending::add);
        } catch (WakeupException e) {
          continue;
        }
        if (pending.isEmpty()) {
          continue;
        }
        if (wasEmpty) {
          firstPendingAt = System.currentTimeMillis();
        }
        if (pending.size() < batchSize
            && System.currentTimeMillis() - firstPendingAt < batchWaitMs) {
          continue;
        }
        List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
        while (batch.size() < batchSize && !pending.isEmpty()) {
          batch.add(pending.poll());
        }
        processBatch(batch);
        firstPendingAt = System.currentTimeMillis();
      }
      state = State.STOPPED;
    } catch (ProducerFencedException | AuthorizationException e) {
      state = State.FAILED;
      LOG.error("generation stopped: {}", e.toString());
    } catch (RuntimeException e) {
      state = State.FAILED;
      LOG.error("generation stopped by an unexpected failure", e);
    } finally {
      worker.shutdownNow();
      closeQuietly();
    }
  }

  /** An output record and the input partition it comes from. */
  private record Output(TopicPartition source, ProducerRecord<byte[], byte[]> record) {}

  private static TopicPartition partitionOf(ConsumerRecord<byte[], byte[]> record) {
    return new TopicPartition(record.topic(), record.partition());
  }

  private void processBatch(List<ConsumerRecord<byte[], byte[]>> batch) {
    List<Decoded> decoded = new ArrayList<>();
    List<Output> output = new ArrayList<>();
    try {
      for (ConsumerRecord<byte[], byte[]> record : batch) {
        decoded.add(decode(record, output));
      }
    } catch (AvroSerdeException e) {
      retryLater(batch, e);
      return;
    }
    List<WindowTask> tasks = new ArrayList<>();
    Map<WindowTask, Integer> partitions = new java.util.IdentityHashMap<>();
    decoded.stream().filter(d -> d.task != null).forEach(d -> {
      tasks.add(d.task);
      partitions.put(d.task, d.record.partition());
    });
    List<WindowBatchGenerator.Outcome> outcomes;
    revokedDuringBatch.clear();
    Set<TopicPartition> paused = new HashSet<>(consumer.assignment());
    consumer.pause(paused);
    busy = true;
    try {
      outcomes = runOnWorker(tasks, t -> tails.get(partitions.get(t), t.getStreamId()));
    } catch (ExecutionException e) {
      retryLater(batch, e.getCause());
      return;
    } finally {
      busy = false;
      consumer.resume(consumer.assignment());
    }
    backoffMs = 0;
    Map<WindowTask, WindowBatchGenerator.Outcome> byTask = new HashMap<>();
    outcomes.forEach(o -> byTask.put(o.task(), o));
    try {
      for (Decoded d : decoded) {
        if (d.task != null) {
          records(d, byTask.get(d.task)).forEach(r -> output.add(new Output(
              partitionOf(d.record), r)));
        }
      }
    } catch (AvroSerdeException e) {
      retryLater(batch, e);
      return;
    }
    commit(decoded, output, outcomes);
  }

  /** A window task record, decoded (task null when it went to the dead-letter topic). */
  private record Decoded(ConsumerRecord<byte[], byte[]> record, WindowTask task) {}

  private Decoded decode(ConsumerRecord<byte[], byte[]> record, List<Output> output) {
    try {
      WindowTask task = record.value() == null ? null
          : codecs.tasks().deserialize(record.topic(), record.headers(), record.value());
      if (task == null) {
        output.add(new Output(partitionOf(record), deadLetter(record, "generate",
            new RecordDecoder.InvalidRecordException("the record has no value"))));
      }
      return new Decoded(record, task);
    } catch (AvroSerdeException e) {
      if (!e.recordAtFault()) {
        throw e;
      }
      output.add(new Output(partitionOf(record), deadLetter(record, "generate", e)));
      return new Decoded(record, null);
    }
  }

  private List<WindowBatchGenerator.Outcome> runOnWorker(List<WindowTask> tasks,
      java.util.function.Function<WindowTask, AudioChunk> committedTails)
      throws ExecutionException {
    if (tasks.isEmpty()) {
      return List.of();
    }
    Future<List<WindowBatchGenerator.Outcome>> future = worker.submit(() -> generator.generate(
        tasks, committedTails));
    while (true) {
      try {
        return future.get(BUSY_POLL.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        try {
          consumer.poll(BUSY_POLL).forEach(pending::add);
        } catch (WakeupException stopping) {
          LOG.info("stopping: finishing the running batch first");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ExecutionException(e);
      }
    }
  }

  private List<ProducerRecord<byte[], byte[]>> records(Decoded d,
      WindowBatchGenerator.Outcome outcome) {
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
    WindowTask task = d.task;
    byte[] key = d.record.key();
    for (WindowFeaturizer.BadChunk bad : outcome.badChunks()) {
      out.add(badChunkLetter(d.record, bad));
    }
    if (outcome.failure() != null) {
      out.add(deadLetter(d.record, "generate", outcome.failure()));
      return out;
    }
    for (AudioChunk chunk : outcome.audio()) {
      out.add(new ProducerRecord<>(topics.audio(), null, chunkTimestamp(d.record), key,
          codecs.audio().serialize(topics.audio(), chunk)));
    }
    if (outcome.tailUpdate() != null) {
      AudioChunk tail = outcome.tailUpdate().tail();
      out.add(new ProducerRecord<>(topics.windowTails(), d.record.partition(), key,
          tail == null ? null : codecs.audio().serialize(topics.windowTails(), tail)));
    }
    try (MDC.MDCCloseable s = MDC.putCloseable("streamId", task.getStreamId());
        MDC.MDCCloseable w = MDC.putCloseable("window", String.valueOf(task.getWindowIndex()))) {
      LOG.info("window generated: {} audio chunk(s) from {} us", outcome.audio().size(),
          task.getWindowStartMicros());
    }
    return out;
  }

  private static Long chunkTimestamp(ConsumerRecord<byte[], byte[]> record) {
    return record.timestamp() >= 0 ? record.timestamp() : null;
  }

  private ProducerRecord<byte[], byte[]> badChunkLetter(ConsumerRecord<byte[], byte[]> task,
      WindowFeaturizer.BadChunk bad) {
    DeadLetters.Source source = bad.source() != null
        ? new DeadLetters.Source(bad.source().getTopic(), bad.source().getPartition(),
            bad.source().getOffset(), null)
        : new DeadLetters.Source(task.topic(), task.partition(), task.offset(), task.timestamp());
    byte[] key = DeadLetters.keyBytes(bad.chunk().getStreamId());
    byte[] value = codecs.chunks().serialize(topics.video(), bad.chunk());
    metrics.deadLettered("featurize");
    return new ProducerRecord<>(topics.deadLetters(), key, codecs.deadLetters().serialize(
        topics.deadLetters(), deadLetters.of(source, key, value, null, "featurize",
            bad.error())));
  }

  private ProducerRecord<byte[], byte[]> deadLetter(ConsumerRecord<byte[], byte[]> record,
      String stage, Throwable error) {
    metrics.deadLettered(stage);
    DeadLetter letter = deadLetters.of(new DeadLetters.Source(record.topic(), record.partition(),
        record.offset(), record.timestamp()), record.key(), record.value(), record.headers(),
        stage, error);
    return new ProducerRecord<>(topics.deadLetters(), record.key(),
        codecs.deadLetters().serialize(topics.deadLetters(), letter));
  }

  private void commit(List<Decoded> batch, List<Output> output,
      List<WindowBatchGenerator.Outcome> outcomes) {
    Set<TopicPartition> kept = new HashSet<>(consumer.assignment());
    kept.removeAll(revokedDuringBatch);
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    int windows = 0;
    for (Decoded decoded : batch) {
      ConsumerRecord<byte[], byte[]> record = decoded.record();
      TopicPartition tp = partitionOf(record);
      if (kept.contains(tp)) {
        windows++;
        offsets.merge(tp, new OffsetAndMetadata(record.offset() + 1),
            (a, b) -> a.offset() >= b.offset() ? a : b);
      }
    }
    if (offsets.isEmpty()) {
      LOG.info("the batch's partitions moved to another instance during generation; the new"
          + " owner generates them again");
      return;
    }
    long start = System.nanoTime();
    try {
      producer.beginTransaction();
      for (Output out : output) {
        if (offsets.containsKey(out.source())) {
          producer.send(out.record());
        }
      }
      producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
      producer.commitTransaction();
    } catch (ProducerFencedException e) {
      throw e;
    } catch (KafkaException e) {
      LOG.warn("committing the batch failed, it will be generated again: {}", e.toString());
      abortQuietly();
      rewind(batch.stream().map(Decoded::record).toList());
      return;
    }
    for (Decoded d : batch) {
      if (d.task == null || !offsets.containsKey(partitionOf(d.record))) {
        continue;
      }
      for (WindowBatchGenerator.Outcome o : outcomes) {
        if (o.task() == d.task && o.tailUpdate() != null) {
          tails.put(d.record.partition(), d.task.getStreamId(), o.tailUpdate().tail());
        }
      }
    }
    metrics.windowsGenerated(windows);
    metrics.time(PipelineMetrics.Stage.PUBLISH, System.nanoTime() - start);
    endToEnd(batch, offsets.keySet(), System.currentTimeMillis());
  }

  /** Records the end-to-end latency of each window: from its assembly to its commit. */
  private void endToEnd(List<Decoded> batch, Set<TopicPartition> committed, long committedAt) {
    for (Decoded d : batch) {
      if (d.task != null && d.task.getAssembledAt() != null
          && committed.contains(partitionOf(d.record))) {
        metrics.time(PipelineMetrics.Stage.END_TO_END,
            (committedAt - d.task.getAssembledAt().toEpochMilli()) * 1_000_000L);
      }
    }
  }

  private void retryLater(List<ConsumerRecord<byte[], byte[]>> batch, Throwable cause) {
    state = State.RETRYING;
    backoffMs = backoffMs == 0 ? 1000 : Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    LOG.warn("generating a batch failed for a reason that is not the records' fault; retrying"
        + " in {} ms: {}", backoffMs, DeadLetters.messages(cause), cause);
    rewind(batch);
    try {
      Thread.sleep(backoffMs);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
    state = State.RUNNING;
  }

  /** Moves each partition of the batch back to the batch's first record in it. */
  private void rewind(List<ConsumerRecord<byte[], byte[]>> batch) {
    Map<TopicPartition, Long> first = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : batch) {
      first.merge(partitionOf(record), record.offset(), Math::min);
    }
    Set<TopicPartition> assigned = consumer.assignment();
    first.forEach((tp, offset) -> {
      if (assigned.contains(tp)) {
        consumer.seek(tp, offset);
      }
    });
    pending.removeIf(r -> first.containsKey(partitionOf(r)));
  }

  private void abortQuietly() {
    try {
      producer.abortTransaction();
    } catch (KafkaException e) {
      LOG.debug("abort failed: {}", e.toString());
    }
  }

  private void closeQuietly() {
    try {
      consumer.close();
    } catch (RuntimeException e) {
      LOG.debug("closing the consumer: {}", e.toString());
    }
    try {
      producer.close(Duration.ofSeconds(10));
    } catch (RuntimeException e) {
      LOG.debug("closing the producer: {}", e.toString());
    }
  }

  /** Tracks partitions that move while a batch runs. */
  private final class Rebalances implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      drop(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      drop(partitions);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (busy) {
        consumer.pause(partitions);
      }
      tails.restore(partitions);
      LOG.info("window task partitions assigned: {}", partitions);
    }

    private void drop(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      LOG.info("window task partitions revoked: {}", partitions);
      revokedDuringBatch.addAll(partitions);
      pending.removeIf(r -> partitions.contains(partitionOf(r)));
      tails.drop(partitions);
    }
  }
}
