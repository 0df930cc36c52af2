package io.foleystream.schemas.serde;

/**
 * The payload names a schema id the registry does not know (it was written against another
 * registry, or the registry lost its data). The cause is the registry's answer.
 */
public final class UnknownSchemaIdException extends AvroSerdeException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed, with the topic
   * @param cause the underlying failure, or null
   */
  public UnknownSchemaIdException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean recordAtFault() {
    return true;
  }
}
