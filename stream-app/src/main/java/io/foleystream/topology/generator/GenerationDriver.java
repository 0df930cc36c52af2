package io.foleystream.topology.generator;

import io.foleystream.schemas.GeneratorState;
import io.foleystream.schemas.WindowTask;
import io.foleystream.schemas.serde.AvroSerdeException;
import io.foleystream.topology.operations.PipelineMetrics;
import io.foleystream.topology.records.DeadLetters;
import io.foleystream.topology.records.InvalidRecordException;
import io.foleystream.topology.records.TopicNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generator's transactional driver: a consume-generate-produce loop over the window task
 * topic, exactly once. It reads window tasks, lets the {@link BatchPolicy} decide what is
 * generated next, runs the {@link GenerationStep} on a worker thread, and commits each batch's
 * output with its input offsets in one transaction.
 *
 * <h2>Why a loop of its own</h2>
 * Generating a window takes seconds to minutes on a CPU. Inside a Kafka Streams task that time
 * would pass between two polls (past {@code max.poll.interval.ms}) and inside an open
 * transaction (past {@code transaction.timeout.ms}), and Streams batches nothing across tasks.
 * Here the poll thread hands a batch to a worker thread and keeps polling while the worker
 * runs, so the consumer stays in its group however long generation takes: it reads on until
 * the policy's read-ahead waits (the next batch), then pauses every assigned partition, and
 * tells the step which windows come next so their media work runs during this batch ({@link
 * GenerationStep#upcoming}). The transaction is opened only once the audio exists: the
 * batch's audio chunks, its dead letters and its input offsets are committed in one short
 * transaction ({@code sendOffsetsToTransaction} with the consumer's group metadata, so a
 * stale member is fenced by the group coordinator).
 *
 * <h2>Commits</h2>
 * A {@code commitTransaction} that times out is retried, as the producer's contract allows (the
 * commit may already be completing, so neither an abort nor anything else may come between);
 * after {@value #COMMIT_ATTEMPTS} attempts the producer is closed and the part ends. Fenced,
 * unauthorized or otherwise fatal producer errors end the part at once. Any other failure of
 * the transaction aborts it and rewinds the batch's partitions.
 *
 * <h2>Rebalances</h2>
 * Partitions are assigned with the cooperative sticky assignor, so a rebalance revokes only the
 * partitions that move. If a partition of the running batch is revoked, that partition's part of
 * the batch is thrown away once the worker finishes (its new owner generates it again from the
 * committed offset, with the same seed and so the same audio); the rest commits.
 *
 * <h2>State</h2>
 * Each stream's generator state ({@link WindowTails}) is written to the compacted tail topic in
 * the batch's transaction, applied in memory once the transaction committed, read back for every
 * partition assigned.
 *
 * <h2>Failures</h2>
 * A record that is at fault (undecodable bytes, an unknown schema id, a window that cannot be
 * generated, an undecodable chunk inside it) goes to the dead-letter topic in the batch's
 * transaction. Anything else (registry or broker unreachable, a decoder or ONNX Runtime failure)
 * rewinds, waits (1 s doubling up to 30 s) and tries again. A batch whose generation keeps
 * failing does so within a {@link RetryBudget}: once spent, its windows are generated one by
 * one and those that still fail are dead-lettered with the cause. {@link OutOfMemoryError} is
 * never retried: the loop stops as {@link State#FAILED}, so that the process exits and is
 * restarted.
 */
public final class GenerationDriver implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(GenerationDriver.class);
  private static final Duration IDLE_POLL = Duration.ofMillis(500);
  private static final Duration BUSY_POLL = Duration.ofMillis(100);
  private static final long MAX_BACKOFF_MS = 30_000;
  /** Attempts at a {@code commitTransaction} that keeps timing out before the part gives up. */
  static final int COMMIT_ATTEMPTS = 5;

  /** How the driver's lifecycle looks from outside, for the health endpoint. */
  public enum State {
    /** Not yet polling. */
    STARTING,
    /** Polling and generating. */
    RUNNING,
    /** Retrying after a failure that is not a record's fault. */
    RETRYING,
    /** Stopped after {@link #stop()}. */
    STOPPED,
    /** Stopped by an error it cannot get past (fenced, not authorized, commit lost). */
    FAILED
  }

  /** A producer error after which the transactional producer cannot go on. */
  private static final class FatalProducerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    FatalProducerException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final Consumer<byte[], byte[]> consumer;
  private final Producer<byte[], byte[]> producer;
  private final TopicNames topics;
  private final GenerationStep step;
  private final OutputRecords output;
  private final WindowTails tails;
  private final PipelineMetrics metrics;
  private final BatchPolicy policy;
  private final LongSupplier clock;
  private final WindowPlanner planner;
  private final LagTracker lag;
  private final ExecutorService worker;
  private final RetryBudget retries;
  private final long stateRetentionMillis;
  private long nextExpiryMillis;
  private final Set<TopicPartition> revokedDuringBatch = new HashSet<>();
  private volatile boolean running = true;
  private volatile boolean busy;
  private volatile State state = State.STARTING;
  private long backoffMs;
  private boolean decodeFailed;

  /**
   * @param consumer the window task consumer (read_committed, no auto commit)
   * @param producer the transactional producer
   * @param topics the topic names
   * @param step generates a batch
   * @param output turns outcomes into records
   * @param tails the generator's per-stream state
   * @param metrics meters
   * @param policy decides what is generated next
   * @param clock wall-clock milliseconds
   * @param planner settles each window's settings and deadline decision when it is generated
   * @param lag measures how far behind generation is
   * @param retries how long a failing window is retried before it is dead-lettered
   */
  public GenerationDriver(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer,
      TopicNames topics, GenerationStep step, OutputRecords output, WindowTails tails,
      PipelineMetrics metrics, BatchPolicy policy, LongSupplier clock, WindowPlanner planner,
      LagTracker lag, RetryBudget retries) {
    this(consumer, producer, topics, step, output, tails, metrics, policy, clock, planner, lag,
        retries, 0);
  }

  /**
   * A driver that also deletes the generator state of streams idle for longer than their
   * retention.
   *
   * @param consumer the window task consumer (read_committed, no auto commit)
   * @param producer the transactional producer
   * @param topics the topic names
   * @param step generates a batch
   * @param output turns outcomes into records
   * @param tails the generator's per-stream state
   * @param metrics meters
   * @param policy decides what is generated next
   * @param clock wall-clock milliseconds
   * @param planner settles each window's settings and deadline decision when it is generated
   * @param lag measures how far behind generation is
   * @param retries how long a failing window is retried before it is dead-lettered
   * @param stateRetentionMillis how long a stream's state outlives its last window (0: for
   *     ever); a stream that ended deletes it with its last window
   */
  public GenerationDriver(Consumer<byte[], byte[]> consumer, Producer<byte[], byte[]> producer,
      TopicNames topics, GenerationStep step, OutputRecords output, WindowTails tails,
      PipelineMetrics metrics, BatchPolicy policy, LongSupplier clock, WindowPlanner planner,
      LagTracker lag, RetryBudget retries, long stateRetentionMillis) {
    this.stateRetentionMillis = Math.max(0, stateRetentionMillis);
    this.retries = retries;
    this.consumer = consumer;
    this.producer = producer;
    this.topics = topics;
    this.step = step;
    this.output = output;
    this.tails = tails;
    this.metrics = metrics;
    this.policy = policy;
    this.clock = clock;
    this.planner = planner;
    this.lag = lag;
    this.worker = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "foleystream-generation-worker");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * The driver's state.
   *
   * @return the state
   */
  public State state() {
    return state;
  }

  /** Asks the driver to finish its batch, commit it, and return. */
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
      while (running) {
        long due = policy.millisUntilDue(clock.getAsLong());
        try {
          read(consumer.poll(due < 0 ? IDLE_POLL : Duration.ofMillis(Math.max(1, due))));
        } catch (WakeupException e) {
          continue;
        }
        if (decodeFailed) {
          decodeFailed = false;
          backOff();
          continue;
        }
        lag.observe(policy.waiting(), clock.getAsLong());
        List<PendingWindow> batch = policy.next(clock.getAsLong());
        if (!batch.isEmpty()) {
          processBatch(batch);
        }
        expireIdleStates();
      }
      state = State.STOPPED;
    } catch (FatalProducerException e) {
      state = State.FAILED;
      LOG.error("generation stopped: {}", e.getMessage(), e.getCause());
    } catch (ProducerFencedException | AuthorizationException | AuthenticationException e) {
      state = State.FAILED;
      LOG.error("generation stopped: {}", e.toString());
    } catch (RuntimeException e) {
      state = State.FAILED;
      LOG.error("generation stopped by an unexpected failure", e);
    } catch (OutOfMemoryError e) {
      state = State.FAILED;
      LOG.error("generation stopped: out of memory (never retried; restart the process)");
    } finally {
      worker.shutdownNow();
      awaitWorker();
      closeQuietly();
    }
  }

  /**
   * Deletes the state of streams that had no window for their retention (idle streams that never
   * sent an end of stream: an ended stream's last window deleted its state), in a transaction of
   * its own, at most once per tenth of the retention. A stream with a window waiting keeps its
   * state.
   */
  private void expireIdleStates() {
    long now = clock.getAsLong();
    if (stateRetentionMillis == 0 || now < nextExpiryMillis) {
      return;
    }
    nextExpiryMillis = now + Math.max(1, stateRetentionMillis / 10);
    Set<String> waiting = new HashSet<>();
    policy.waiting().forEach(p -> {
      if (p.task() != null) {
        waiting.add(p.task().getStreamId());
      }
    });
    List<WindowTails.StreamKey> idle = tails.idleSince(now - stateRetentionMillis).stream()
        .filter(k -> !waiting.contains(k.streamId())).toList();
    if (idle.isEmpty()) {
      return;
    }
    try {
      producer.beginTransaction();
      idle.forEach(k -> producer.send(output.stateDeletion(k.partition(), k.streamId())));
      commitTransaction();
    } catch (ProducerFencedException | OutOfOrderSequenceException | UnsupportedVersionException
        | AuthorizationException | AuthenticationException e) {
      throw new FatalProducerException("the transactional producer cannot go on: " + e, e);
    } catch (FatalProducerException e) {
      throw e;
    } catch (KafkaException e) {
      LOG.warn("deleting the state of {} idle stream(s) failed, retried later: {}", idle.size(),
          e.toString());
      abortQuietly();
      return;
    }
    idle.forEach(k -> tails.put(k.partition(), k.streamId(), null));
    metrics.generatorStatesDeleted(idle.size());
    LOG.info("deleted the generator state of {} stream(s) idle for {} ms", idle.size(),
        stateRetentionMillis);
  }

  /**
   * Decodes what a poll returned into the policy. A record that cannot be decoded for a reason
   * that is not its own (the registry is unreachable) is read again later: its partition is
   * moved back to it and its later records of this poll are left for then.
   */
  private void read(ConsumerRecords<byte[], byte[]> records) {
    Set<TopicPartition> blocked = new HashSet<>();
    long now = clock.getAsLong();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      TopicPartition tp = new TopicPartition(record.topic(), record.partition());
      if (blocked.contains(tp)) {
        continue;
      }
      try {
        WindowTask task = record.value() == null ? null
            : output.codecs().tasks().deserialize(record.topic(), record.headers(),
                record.value());
        policy.add(new PendingWindow(record, task, task == null
            ? new InvalidRecordException("the record has no value") : null, now));
      } catch (AvroSerdeException e) {
        if (e.recordAtFault()) {
          policy.add(new PendingWindow(record, null, e, now));
        } else {
          LOG.warn("cannot decode window task {}-{}@{} now: {}", record.topic(),
              record.partition(), record.offset(), DeadLetters.messages(e));
          blocked.add(tp);
          consumer.seek(tp, record.offset());
          decodeFailed = true;
        }
      }
    }
  }

  private void processBatch(List<PendingWindow> batch) {
    List<WindowTask> tasks = new ArrayList<>();
    Map<WindowTask, Integer> partitions = new IdentityHashMap<>();
    for (PendingWindow p : batch) {
      if (p.task() != null) {
        tasks.add(p.task());
        partitions.put(p.task(), p.record().partition());
      }
    }
    List<GenerationStep.Outcome> outcomes;
    Set<WindowTask> skipped = planner.plan(batch, clock.getAsLong());
    revokedDuringBatch.clear();
    if (policy.full()) {
      consumer.pause(consumer.assignment());
    }
    busy = true;
    try {
      outcomes = runOnWorker(batch, tasks, t -> tails.get(partitions.get(t), t.getStreamId()),
          skipped);
    } catch (ExecutionException e) {
      outcomes = afterFailure(batch, tasks, partitions, skipped, e.getCause());
      if (outcomes == null) {
        return;
      }
    } finally {
      busy = false;
      consumer.resume(consumer.assignment());
    }
    retries.forget(windows(batch));
    backoffMs = 0;
    Map<WindowTask, GenerationStep.Outcome> byTask = new IdentityHashMap<>();
    outcomes.forEach(o -> byTask.put(o.task(), o));
    Map<TopicPartition, List<ProducerRecord<byte[], byte[]>>> records = new HashMap<>();
    try {
      for (PendingWindow p : batch) {
        List<ProducerRecord<byte[], byte[]>> out = records.computeIfAbsent(p.partition(),
            tp -> new ArrayList<>());
        if (p.task() == null) {
          out.add(output.deadLetter(p.record(), "generate", p.failure()));
        } else {
          out.addAll(output.of(p, byTask.get(p.task())));
        }
      }
    } catch (AvroSerdeException e) {
      retryLater(batch, e);
      return;
    }
    commit(batch, records, byTask);
  }

  /** Tells the step which windows come next, so their media work overlaps this batch. */
  private void prepareUpcoming() {
    step.upcoming(policy.upcoming(policy.batchSize()).stream().map(PendingWindow::task)
        .filter(Objects::nonNull).toList());
  }

  private List<GenerationStep.Outcome> runOnWorker(List<PendingWindow> batch,
      List<WindowTask> tasks, Function<WindowTask, GeneratorState> committedStates,
      Set<WindowTask> skipped) throws ExecutionException {
    if (tasks.isEmpty()) {
      return List.of();
    }
    Future<List<GenerationStep.Outcome>> future = worker.submit(() -> step.generate(tasks,
        committedStates, skipped::contains));
    prepareUpcoming();
    while (true) {
      List<PendingWindow> waiting = policy.waiting();
      waiting.addAll(batch);
      lag.observe(waiting, clock.getAsLong());
      try {
        return future.get(BUSY_POLL.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        try {
          int before = policy.size();
          read(consumer.poll(BUSY_POLL));
          if (policy.full()) {
            consumer.pause(consumer.assignment());
          }
          if (policy.size() != before) {
            prepareUpcoming();
          }
        } catch (WakeupException stopping) {
          LOG.info("stopping: finishing the running batch first");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ExecutionException(e);
      }
    }
  }

  private void commit(List<PendingWindow> batch,
      Map<TopicPartition, List<ProducerRecord<byte[], byte[]>>> records,
      Map<WindowTask, GenerationStep.Outcome> outcomes) {
    Set<TopicPartition> kept = new HashSet<>(consumer.assignment());
    kept.removeAll(revokedDuringBatch);
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    int windows = 0;
    for (PendingWindow p : batch) {
      if (kept.contains(p.partition())) {
        windows++;
        offsets.merge(p.partition(), new OffsetAndMetadata(p.record().offset() + 1),
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
      records.forEach((tp, out) -> {
        if (offsets.containsKey(tp)) {
          out.forEach(producer::send);
        }
      });
      producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
      commitTransaction();
    } catch (ProducerFencedException | OutOfOrderSequenceException | UnsupportedVersionException
        | AuthorizationException | AuthenticationException e) {
      throw new FatalProducerException("the transactional producer cannot go on: " + e, e);
    } catch (FatalProducerException e) {
      throw e;
    } catch (KafkaException e) {
      LOG.warn("committing the batch failed, it will be generated again: {}", e.toString());
      abortQuietly();
      rewind(batch);
      return;
    }
    for (PendingWindow p : batch) {
      GenerationStep.Outcome o = p.task() == null ? null : outcomes.get(p.task());
      if (o != null && offsets.containsKey(p.partition())) {
        if (o.stateUpdate() != null) {
          tails.put(p.record().partition(), p.task().getStreamId(), o.stateUpdate().state());
        }
        long committedAt = clock.getAsLong();
        o.completedChunks().forEach(received -> metrics.chunkLatency(p.task().getStreamId(),
            (committedAt - received.toEpochMilli()) * 1_000_000L));
      }
    }
    metrics.windowsGenerated(windows);
    metrics.time(PipelineMetrics.Stage.PUBLISH, System.nanoTime() - start);
    endToEnd(batch, offsets.keySet(), clock.getAsLong());
    lag.committed(batch.stream().filter(p -> offsets.containsKey(p.partition())).toList(),
        clock.getAsLong());
    lag.observe(policy.waiting(), clock.getAsLong());
  }

  /**
   * Commits, retrying a commit that timed out: the producer's contract says such a commit may
   * be retried and that nothing else may be attempted in between.
   */
  private void commitTransaction() {
    retryingTimeouts(producer::commitTransaction, "committing the transaction");
  }

  /**
   * Runs a transactional call of the producer, again while it times out (the call may be
   * completing, so nothing else may come between), at most {@value #COMMIT_ATTEMPTS} times; then,
   * or on a second timeout while stopping, the producer is closed and the part ends.
   */
  private void retryingTimeouts(Runnable call, String what) {
    for (int attempt = 1; ; attempt++) {
      try {
        call.run();
        return;
      } catch (org.apache.kafka.common.errors.TimeoutException | InterruptException e) {
        if (attempt >= COMMIT_ATTEMPTS || !running && attempt > 1) {
          throw new FatalProducerException(what + " timed out " + attempt
              + " times; the producer is closed", e);
        }
        LOG.warn("{} timed out (attempt {} of {}); retrying", what, attempt, COMMIT_ATTEMPTS);
      }
    }
  }

  /** Records the end-to-end latency of each window: from its assembly to its commit. */
  private void endToEnd(List<PendingWindow> batch, Set<TopicPartition> committed,
      long committedAt) {
    for (PendingWindow p : batch) {
      if (p.task() != null && p.task().getAssembledAt() != null
          && committed.contains(p.partition())) {
        metrics.time(PipelineMetrics.Stage.END_TO_END,
            (committedAt - p.task().getAssembledAt().toEpochMilli()) * 1_000_000L);
      }
    }
  }

  /**
   * After a generation failure that is not a record's fault: out of memory ends the loop; within
   * the budget the batch is retried later (null); once it is spent, each window is generated
   * alone and those that still fail become dead letters with the cause.
   */
  private List<GenerationStep.Outcome> afterFailure(List<PendingWindow> batch,
      List<WindowTask> tasks, Map<WindowTask, Integer> partitions, Set<WindowTask> skipped,
      Throwable cause) {
    if (cause instanceof OutOfMemoryError oom) {
      throw oom;
    }
    List<RetryBudget.Window> windows = windows(batch);
    long now = clock.getAsLong();
    if (!retries.failed(windows, now)) {
      LOG.warn("generating a batch failed for a reason that is not the records' fault;"
          + " retrying: {}", DeadLetters.messages(cause), cause);
      rewind(batch);
      backOff(retries.remainingMillis(windows, now));
      return null;
    }
    LOG.warn("generating a batch kept failing (retry budget spent: {} attempts or the budget's"
        + " time); generating its windows one by one: {}", retries.maxAttempts(),
        DeadLetters.messages(cause));
    List<GenerationStep.Outcome> outcomes = new ArrayList<>();
    Map<String, GeneratorState> batchStates = new HashMap<>();
    for (WindowTask task : tasks) {
      try {
        GenerationStep.Outcome outcome = runOnWorker(batch, List.of(task),
            t -> batchStates.containsKey(t.getStreamId()) ? batchStates.get(t.getStreamId())
                : tails.get(partitions.get(t), t.getStreamId()), skipped).get(0);
        if (outcome.stateUpdate() != null) {
          batchStates.put(task.getStreamId(), outcome.stateUpdate().state());
        }
        outcomes.add(outcome);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof OutOfMemoryError oom) {
          throw oom;
        }
        outcomes.add(new GenerationStep.Outcome(task, List.of(), null, List.of(),
            new RetriesExhaustedException("generation kept failing for a reason that is not the"
                + " record's fault, up to the retry budget", e.getCause()), List.of()));
      }
    }
    return outcomes;
  }

  private static List<RetryBudget.Window> windows(List<PendingWindow> batch) {
    return batch.stream().map(p -> new RetryBudget.Window(p.partition(), p.record().offset()))
        .toList();
  }

  /** A window given up after its retry budget: dead-lettered with the last cause. */
  public static final class RetriesExhaustedException extends Exception {
    private static final long serialVersionUID = 1L;

    RetriesExhaustedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private void retryLater(List<PendingWindow> batch, Throwable cause) {
    LOG.warn("generating a batch failed for a reason that is not the records' fault; retrying:"
        + " {}", DeadLetters.messages(cause), cause);
    rewind(batch);
    backOff();
  }

  private void backOff() {
    backOff(MAX_BACKOFF_MS);
  }

  /** Waits before a retry: 1 s doubling up to 30 s, and never longer than {@code capMs}. */
  private void backOff(long capMs) {
    state = State.RETRYING;
    backoffMs = backoffMs == 0 ? 1000 : Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    long wait = Math.min(backoffMs, capMs);
    LOG.info("retrying in {} ms", wait);
    try {
      Thread.sleep(wait);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
    state = State.RUNNING;
  }

  /** Moves each partition of the batch back to the batch's first record in it. */
  private void rewind(List<PendingWindow> batch) {
    Map<TopicPartition, Long> first = new HashMap<>();
    for (PendingWindow p : batch) {
      first.merge(p.partition(), p.record().offset(), Math::min);
    }
    Set<TopicPartition> assigned = consumer.assignment();
    first.forEach((tp, offset) -> {
      if (assigned.contains(tp)) {
        consumer.seek(tp, offset);
      }
    });
    policy.drop(first.keySet());
  }

  /**
   * Waits for an engine call still running on the worker: the application closes the model
   * sessions once this thread ends, and closing them under a running call crashes the process.
   */
  private void awaitWorker() {
    boolean interrupted = false;
    while (true) {
      try {
        if (worker.awaitTermination(1, TimeUnit.SECONDS)) {
          break;
        }
        LOG.info("waiting for the running engine call to return");
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Aborts the open transaction. An abort that times out is retried, as the producer's contract
   * requires (until it completes, no other transactional call is allowed): during a broker outage
   * longer than the producer's {@code max.block.ms} the abort times out, and without the retry the
   * next {@code beginTransaction} failed the whole part. After {@value #COMMIT_ATTEMPTS} attempts
   * the producer is closed and the part ends, as for a commit.
   */
  private void abortQuietly() {
    try {
      retryingTimeouts(producer::abortTransaction, "aborting the transaction");
    } catch (ProducerFencedException | OutOfOrderSequenceException
        | UnsupportedVersionException | AuthorizationException | AuthenticationException e) {
      throw new FatalProducerException("the transactional producer cannot go on: " + e, e);
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
      policy.drop(partitions);
      tails.drop(partitions);
    }
  }
}
