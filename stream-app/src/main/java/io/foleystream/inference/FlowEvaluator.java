package io.foleystream.inference;

import java.nio.FloatBuffer;

/**
 * One evaluation of the flow (velocity) network on a fixed batch of latent rows, as the Euler
 * sampler sees it. The sampler writes the rows into {@link #latents()}, calls {@link #evaluate},
 * and reads the flow back; implementations keep both buffers for the whole sampling run, so no
 * step allocates.
 */
public interface FlowEvaluator {

  /**
   * The number of latent rows each evaluation takes (twice the windows under guidance).
   *
   * @return row count
   */
  int rows();

  /**
   * Floats per row: latent length times latent width.
   *
   * @return row size
   */
  int rowSize();

  /**
   * The input rows, {@code rows() * rowSize()} floats; the sampler overwrites all of them before
   * every evaluation.
   *
   * @return the input buffer, positioned at 0
   */
  FloatBuffer latents();

  /**
   * Evaluates the network at time t for every row.
   *
   * @param t the flow time, the same for all rows
   * @return the flow of every row, {@code rows() * rowSize()} floats, valid until the next call
   */
  FloatBuffer evaluate(float t);
}
