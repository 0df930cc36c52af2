package io.foleystream.schemas.serde;

/** The payload ends before its header or its Avro body is complete. */
public final class TruncatedPayloadException extends AvroSerdeException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed, with the topic
   * @param cause the underlying failure, or null
   */
  public TruncatedPayloadException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean recordAtFault() {
    return true;
  }
}
