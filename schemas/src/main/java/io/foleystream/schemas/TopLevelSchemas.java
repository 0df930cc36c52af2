package io.foleystream.schemas;

import java.util.List;
import org.apache.avro.Schema;

/**
 * The record types foleystream writes to topics, each the value schema of its topics. These are
 * the schemas registered in the schema registry and kept under {@code schemas/released/} when a
 * version is released; the records they embed ({@link PayloadReference}, {@link FrameRate}, ...)
 * travel inside them.
 */
public final class TopLevelSchemas {

  private static final List<Schema> ALL = List.of(
      VideoChunk.getClassSchema(),
      AudioChunk.getClassSchema(),
      StreamControl.getClassSchema(),
      DeadLetter.getClassSchema(),
      WindowTask.getClassSchema(),
      StreamAssembly.getClassSchema());

  private TopLevelSchemas() {
  }

  /**
   * Every top-level schema.
   *
   * @return the schemas, in a fixed order
   */
  public static List<Schema> all() {
    return ALL;
  }
}
