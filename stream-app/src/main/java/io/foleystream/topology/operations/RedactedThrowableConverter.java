package io.foleystream.topology.operations;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.IThrowableProxy;
import io.foleystream.topology.records.Redaction;

/**
 * logback's stack trace without credentials ({@link Redaction}): exception messages, and those
 * of their causes, quote URLs and settings as often as log messages do. Registered in {@code
 * logback.xml} as {@code %redactedEx}.
 */
public final class RedactedThrowableConverter extends ThrowableProxyConverter {

  @Override
  protected String throwableProxyToString(IThrowableProxy proxy) {
    return Redaction.redact(super.throwableProxyToString(proxy));
  }
}
