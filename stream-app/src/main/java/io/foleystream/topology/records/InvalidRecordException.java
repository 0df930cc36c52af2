package io.foleystream.topology.records;

/** Thrown when a decoded record breaks the rules of its topic. */
public final class InvalidRecordException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message which rule the record breaks
   */
  public InvalidRecordException(String message) {
    super(message);
  }
}
