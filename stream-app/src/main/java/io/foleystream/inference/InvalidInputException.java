package io.foleystream.inference;

/**
 * Input the engine refuses before running any model: features of the wrong shape, NaN or infinite
 * values, noise of the wrong size, settings out of range. The message names the input.
 */
public final class InvalidInputException extends InferenceException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message the input and what is wrong with it
   */
  public InvalidInputException(String message) {
    super(message);
  }
}
