package io.foleystream.schemas.serde;

/**
 * The registry refused a lookup for a reason other than an unknown id (credentials, say). The
 * cause is the registry's answer.
 */
public final class RegistryRequestRejectedException extends AvroSerdeException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed, with the topic
   * @param cause the underlying failure, or null
   */
  public RegistryRequestRejectedException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean recordAtFault() {
    return false;
  }
}
