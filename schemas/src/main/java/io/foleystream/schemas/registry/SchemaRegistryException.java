package io.foleystream.schemas.registry;

/** Base of every failure a {@link SchemaRegistry} reports. */
public class SchemaRegistryException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed
   * @param cause the underlying failure, or null
   */
  public SchemaRegistryException(String message, Throwable cause) {
    super(message, cause);
  }
}
