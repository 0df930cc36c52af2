package io.foleystream.topology.operations;

import org.apache.kafka.streams.KafkaStreams;

/**
 * The application's health from its parts' states. Live: no part has failed for good (the
 * assembler's Streams instance is not in ERROR or shut down, the generation loop has not
 * stopped on an error). Ready: live, the assembler RUNNING (not rebalancing or restoring), the
 * generation loop polling. A part that this process does not run counts as up.
 *
 * @param assembler the Streams state, or null when this process runs no assembler
 * @param generator the generation loop's state, or null when it runs no generator
 * @param closing whether the application is shutting down
 * @param lagging whether the oldest window waiting for generation is older than the configured
 *     bound (not ready: traffic should go elsewhere, but the process is kept)
 */
public record Health(KafkaStreams.State assembler, String generator, boolean closing,
    boolean lagging) {

  /**
   * The health of parts without a lag bound.
   *
   * @param assembler the Streams state, or null
   * @param generator the generation loop's state, or null
   * @param closing whether the application is shutting down
   */
  public Health(KafkaStreams.State assembler, String generator, boolean closing) {
    this(assembler, generator, closing, false);
  }

  /**
   * Whether the process should be kept.
   *
   * @return true when live
   */
  public boolean live() {
    boolean assemblerUp = assembler == null || closing
        || (assembler != KafkaStreams.State.ERROR && assembler != KafkaStreams.State.NOT_RUNNING
            && assembler != KafkaStreams.State.PENDING_ERROR);
    boolean generatorUp = generator == null || closing
        || !generator.equals("FAILED");
    return assemblerUp && generatorUp;
  }

  /**
   * Whether the process serves its part of the pipeline now.
   *
   * @return true when ready
   */
  public boolean ready() {
    return live() && !closing && !lagging
        && (assembler == null || assembler == KafkaStreams.State.RUNNING)
        && (generator == null || generator.equals("RUNNING"));
  }

  /**
   * The health as a JSON object.
   *
   * @return {@code {"live":..., "ready":..., "assembler":..., "generator":...}}
   */
  public String json() {
    return "{\"live\":" + live() + ",\"ready\":" + ready() + ",\"assembler\":"
        + (assembler == null ? "null" : "\"" + assembler + "\"") + ",\"generator\":"
        + (generator == null ? "null" : "\"" + generator + "\"") + ",\"lagging\":" + lagging
        + "}";
  }
}
