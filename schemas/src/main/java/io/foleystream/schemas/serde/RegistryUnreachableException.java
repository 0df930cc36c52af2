package io.foleystream.schemas.serde;

/**
 * The registry could not be reached within the configured retries and the answer was not cached.
 * The cause is the registry client's last failure.
 */
public final class RegistryUnreachableException extends AvroSerdeException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed, with the topic
   * @param cause the underlying failure, or null
   */
  public RegistryUnreachableException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean recordAtFault() {
    return false;
  }
}
