package io.foleystream.topology.generator;

import io.foleystream.media.MediaException;
import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.GeneratorState;
import io.foleystream.schemas.WindowTask;
import io.foleystream.topology.records.PayloadFetcher;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The pure part of the generator: a batch of windows and their streams' state in, each window's
 * outcome (audio chunks, state update, what to dead-letter) out. It knows nothing of Kafka: the
 * {@link GenerationDriver} reads the windows, commits the outcomes and keeps the state.
 */
public interface GenerationStep {

  /**
   * What became of one window.
   *
   * @param task the window
   * @param audio its audio chunks (empty when the window failed)
   * @param tailUpdate the stream's new state, or null for no change
   * @param badChunks chunks that could not be decoded, to dead-letter
   * @param failure why the window itself cannot be generated (to dead-letter), or null
   * @param completedChunks when each chunk whose last sample this window published was
   *     received: their latency ends when the window commits
   */
  record Outcome(WindowTask task, List<AudioChunk> audio, AudioChunker.StateUpdate stateUpdate,
      List<WindowFeaturizer.BadChunk> badChunks, Exception failure,
      List<Instant> completedChunks) {}

  /**
   * Generates a batch.
   *
   * @param tasks the windows; a stream's windows in their order
   * @param committedStates a window's stream's latest committed state (see {@link
   *     WindowTails}), or null
   * @param skipped windows not to generate: their audio chunks carry silence flagged {@code
   *     DEADLINE_MISSED}, with the timestamps their audio would have had
   * @return one outcome per window, in the same order
   * @throws MediaException if decoding fails for a reason that is not a chunk's fault
   * @throws PayloadFetcher.PayloadException if a payload cannot be fetched for now
   */
  List<Outcome> generate(List<WindowTask> tasks,
      Function<WindowTask, GeneratorState> committedStates, Predicate<WindowTask> skipped)
      throws MediaException, PayloadFetcher.PayloadException;

  /**
   * Says which windows are likely generated after the batch now running, so that their work
   * that does not depend on it (media, features) can start; called from another thread than
   * {@link #generate}. By default nothing is prepared.
   *
   * @param tasks the windows, in the order they are expected
   */
  default void upcoming(List<WindowTask> tasks) {}
}
