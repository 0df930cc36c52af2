package io.foleystream.topology.operations;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.foleystream.topology.records.Redaction;

/**
 * logback's {@code %msg} without credentials ({@link Redaction}): a log line may quote a
 * payload reference, a registry URL or a setting, and logs travel further than the process.
 * Registered in {@code logback.xml} as {@code %redactedMsg}.
 */
public final class RedactedMessageConverter extends MessageConverter {

  @Override
  public String convert(ILoggingEvent event) {
    return Redaction.redact(super.convert(event));
  }
}
