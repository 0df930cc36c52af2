package io.foleystream.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Base of everything the foleystream Avro serdes throw. A Kafka {@link SerializationException},
 * so Kafka's clients and Streams' exception handlers treat it as one; the subclass says what went
 * wrong and {@link #recordAtFault()} whether the record itself is to blame (send it to the dead
 * letter topic) or the infrastructure (retry later, or stop).
 */
public abstract class AvroSerdeException extends SerializationException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed, with the topic
   * @param cause the underlying failure, or null
   */
  protected AvroSerdeException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Whether the record's bytes or content caused the failure, so that the same record will fail
   * again however often it is retried.
   *
   * @return true for a poison record, false for a registry or configuration problem
   */
  public abstract boolean recordAtFault();
}
