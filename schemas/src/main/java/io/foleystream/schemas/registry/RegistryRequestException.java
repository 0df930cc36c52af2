package io.foleystream.schemas.registry;

/**
 * The registry answered a request with an error that retrying will not fix: for example 401 or
 * 403 (credentials), 422 (invalid schema). Not found and incompatible have their own subclasses.
 */
public class RegistryRequestException extends SchemaRegistryException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final int errorCode;

  /**
   * @param message what was requested and what the registry answered
   * @param status the HTTP status
   * @param errorCode the Confluent {@code error_code} of the answer, or the status when it had none
   */
  public RegistryRequestException(String message, int status, int errorCode) {
    super(message, null);
    this.status = status;
    this.errorCode = errorCode;
  }

  /**
   * The HTTP status of the registry's answer.
   *
   * @return for example 401, 404, 409, 422
   */
  public int status() {
    return status;
  }

  /**
   * The Confluent error code of the registry's answer.
   *
   * @return for example 40401 (subject not found), 40403 (schema not found), 409, 42201
   */
  public int errorCode() {
    return errorCode;
  }
}
