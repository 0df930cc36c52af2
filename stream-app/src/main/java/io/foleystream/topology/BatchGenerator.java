package io.foleystream.topology;

import io.foleystream.media.MediaException;
import io.foleystream.schemas.WindowTask;
import java.util.List;

/** Turns a batch of windows into their outcomes; the generation loop's unit of work. */
interface BatchGenerator {

  /**
   * Generates a batch.
   *
   * @param tasks the windows, in the order their records were read
   * @return one outcome per window, in the same order
   * @throws MediaException if decoding fails for a reason that is not a chunk's fault
   * @throws PayloadFetcher.PayloadException if a payload cannot be fetched for now
   */
  List<WindowBatchGenerator.Outcome> generate(List<WindowTask> tasks)
      throws MediaException, PayloadFetcher.PayloadException;
}
