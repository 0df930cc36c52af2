package io.foleystream.schemas.serde;

/**
 * The serializer could not obtain a schema id for the record: the registry refused the schema
 * (incompatible with the subject, 409, or invalid), or it is not registered and auto-registration
 * is off. The cause is the registry's answer.
 */
public final class SchemaRegistrationException extends AvroSerdeException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed, with the topic
   * @param cause the underlying failure, or null
   */
  public SchemaRegistrationException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean recordAtFault() {
    return false;
  }
}
