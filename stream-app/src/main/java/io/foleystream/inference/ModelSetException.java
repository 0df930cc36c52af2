package io.foleystream.inference;

/**
 * A model set that cannot be used: manifest unreadable or inconsistent, a file missing, of the
 * wrong size or checksum, or a graph whose inputs and outputs differ from what the manifest
 * declares. The message names the file and the mismatch.
 */
public final class ModelSetException extends InferenceException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message the file and the mismatch
   */
  public ModelSetException(String message) {
    super(message);
  }

  /**
   * @param message the file and the mismatch
   * @param cause the underlying failure
   */
  public ModelSetException(String message, Throwable cause) {
    super(message, cause);
  }
}
