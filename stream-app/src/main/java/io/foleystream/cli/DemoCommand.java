package io.foleystream.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * The end-to-end demo. Until the streaming topology exists it states what it will do and fails
 * with a distinct exit status instead of pretending to run.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Run the whole pipeline locally: in-process Kafka and schema registry, ingest a"
        + " clip, generate Foley audio, write the video with its new audio track.")
final class DemoCommand implements Callable<Integer> {

  /** Exit status that says "this command exists but cannot run yet". */
  static final int NOT_AVAILABLE = 3;

  @Override
  public Integer call() {
    System.err.println("""
        foleystream demo is not available yet: the streaming topology has not been built.
        When it is, the demo will start an in-process Kafka broker and schema registry, ingest a
        generated clip as video chunks, generate audio with the tiny test model set, and write the
        video with its generated audio track to an output directory.""");
    return NOT_AVAILABLE;
  }
}
