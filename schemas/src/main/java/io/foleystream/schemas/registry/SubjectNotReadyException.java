package io.foleystream.schemas.registry;

/**
 * Auto-registration is off and a subject the application writes is missing, or holds no version
 * the application can write with.
 */
public class SubjectNotReadyException extends SchemaRegistryException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message the subject, what is missing, and the fix
   */
  public SubjectNotReadyException(String message) {
    super(message, null);
  }
}
