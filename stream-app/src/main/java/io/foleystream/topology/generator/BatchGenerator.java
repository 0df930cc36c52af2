package io.foleystream.topology.generator;

import io.foleystream.media.MediaException;
import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.WindowTask;
import java.util.List;
import java.util.function.Function;

/** Turns a batch of windows into their outcomes; the generation loop's unit of work. */
public interface BatchGenerator {

  /**
   * Generates a batch.
   *
   * @param tasks the windows, in the order their records were read
   * @param committedTails a window's stream's latest committed tail (see {@link WindowTails}),
   *     or null
   * @return one outcome per window, in the same order
   * @throws MediaException if decoding fails for a reason that is not a chunk's fault
   * @throws PayloadFetcher.PayloadException if a payload cannot be fetched for now
   */
  public List<WindowBatchGenerator.Outcome> generate(List<WindowTask> tasks,
      Function<WindowTask, AudioChunk> committedTails)
      throws MediaException, PayloadFetcher.PayloadException;
}
