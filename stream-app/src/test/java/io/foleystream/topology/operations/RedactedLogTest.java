package io.foleystream.topology.operations;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The application's own logging configuration, loaded as it ships: a message and a stack trace
 * (cause included) that quote credentials reach the log without them, and the rest of the line
 * is kept.
 */
class RedactedLogTest {

  @Test
  void messagesAndStackTracesAreLoggedWithoutCredentials() throws Exception {
    URL config = getClass().getResource("/logback.xml");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream original = System.err;
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new LogbackMDCAdapter());
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(config);
      Logger log = context.getLogger("io.foleystream.test");
      log.warn("fetching https://alice:s3cret@media.example/clip.ts failed",
          new IOException("registry said no to basic.auth.user.info=bob:hunter2",
              new IllegalStateException("sasl.jaas.config=org.Login required password=\"pw1\"")));
    } finally {
      context.stop();
      System.setErr(original);
    }
    String out = err.toString(StandardCharsets.UTF_8);
    for (String secret : new String[] {"s3cret", "alice", "hunter2", "pw1"}) {
      assertFalse(out.contains(secret), secret + " in:\n" + out);
    }
    assertTrue(out.contains("fetching https://[redacted]@media.example/clip.ts failed"), out);
    assertTrue(out.contains("java.io.IOException: registry said no to basic.auth.user.info="
        + "[redacted]"), out);
    assertTrue(out.contains("Caused by: java.lang.IllegalStateException"), out);
    assertTrue(out.contains("at io.foleystream.topology.operations.RedactedLogTest"), out);
  }
}
