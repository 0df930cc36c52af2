package io.foleystream.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client commands' log: the Kafka clients log every failed connection attempt as a warning,
 * dozens a minute when a broker is down; the command's own one-line message says it better.
 */
final class ClientLogging {

  private ClientLogging() {}

  /**
   * Silences the Kafka clients below errors, unless the user asked for {@code --verbose}.
   *
   * @param verbose whether to keep the clients' log
   */
  static void quietUnless(boolean verbose) {
    if (!verbose) {
      ((Logger) LoggerFactory.getLogger("org.apache.kafka")).setLevel(Level.OFF);
    }
  }
}
