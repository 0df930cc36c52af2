package io.foleystream.schemas.registry;

/**
 * The subject's compatibility level refused the schema (HTTP 409); the message carries the
 * subject and the registry's explanation.
 */
public class IncompatibleSchemaException extends RegistryRequestException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message the subject and why the schema was refused
   */
  public IncompatibleSchemaException(String message) {
    super(message, 409, 409);
  }
}
