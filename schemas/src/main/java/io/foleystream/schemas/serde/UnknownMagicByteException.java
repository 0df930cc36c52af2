package io.foleystream.schemas.serde;

/**
 * The payload does not start with the Confluent wire format's magic byte 0: it was not written by
 * a Confluent-compatible serializer (or is not Avro at all).
 */
public final class UnknownMagicByteException extends AvroSerdeException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed, with the topic
   * @param cause the underlying failure, or null
   */
  public UnknownMagicByteException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean recordAtFault() {
    return true;
  }
}
