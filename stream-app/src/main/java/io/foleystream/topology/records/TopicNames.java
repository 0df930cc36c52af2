package io.foleystream.topology.records;

import io.foleystream.config.ConfigKeys;
import io.foleystream.config.FoleystreamConfig;

/**
 * The topics the application reads and writes.
 *
 * @param video VideoChunk input
 * @param control StreamControl input (compacted)
 * @param audio AudioChunk output
 * @param deadLetters DeadLetter output
 * @param windowTasks WindowTask, from the assembler to the generator
 * @param windowTails the generator's crossfade state (compacted)
 */
public record TopicNames(String video, String control, String audio, String deadLetters,
    String windowTasks, String windowTails) {

  /**
   * Largest record the application writes (window tasks embed their chunks), and the {@code
   * max.message.bytes} of the topics and changelogs that hold such records.
   */
  public static final int LARGE_RECORD_BYTES = 64 * 1024 * 1024;

  /**
   * The topic names a configuration sets.
   *
   * @param config the configuration
   * @return the names
   */
  public static TopicNames from(FoleystreamConfig config) {
    return new TopicNames(config.required(ConfigKeys.TOPIC_VIDEO),
        config.required(ConfigKeys.TOPIC_CONTROL), config.required(ConfigKeys.TOPIC_AUDIO),
        config.required(ConfigKeys.TOPIC_DLQ), config.required(ConfigKeys.TOPIC_WINDOW_TASKS),
        config.required(ConfigKeys.TOPIC_WINDOW_TAILS));
  }
}
