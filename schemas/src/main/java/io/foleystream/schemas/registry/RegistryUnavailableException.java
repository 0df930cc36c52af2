package io.foleystream.schemas.registry;

/**
 * The registry could not be reached, timed out or kept failing with server errors through every
 * retry the configuration allows. The cause is the last failure.
 */
public class RegistryUnavailableException extends SchemaRegistryException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what was attempted, where and how often
   * @param cause the last failure
   */
  public RegistryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
