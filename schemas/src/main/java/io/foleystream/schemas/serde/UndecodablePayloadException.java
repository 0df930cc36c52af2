package io.foleystream.schemas.serde;

/**
 * The payload's Avro body cannot be decoded with its writer schema, or the writer schema cannot be
 * resolved to the reader's record type.
 */
public final class UndecodablePayloadException extends AvroSerdeException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed, with the topic
   * @param cause the underlying failure, or null
   */
  public UndecodablePayloadException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean recordAtFault() {
    return true;
  }
}
