package io.foleystream.cli;

/** The Kafka broker or the schema registry did not answer, or refused the client. */
final class ServiceUnreachableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message which service, where, and what to check
   */
  ServiceUnreachableException(String message) {
    super(message);
  }
}
