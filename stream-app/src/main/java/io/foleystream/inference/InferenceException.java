package io.foleystream.inference;

/**
 * Base of every error the inference engine reports: a model set it cannot use, an execution
 * provider it cannot get, input it refuses, or a failure inside ONNX Runtime. Messages name the
 * file, model or input concerned and what was wrong with it.
 */
public class InferenceException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what went wrong, and where
   */
  public InferenceException(String message) {
    super(message);
  }

  /**
   * @param message what went wrong, and where
   * @param cause the underlying failure
   */
  public InferenceException(String message, Throwable cause) {
    super(message, cause);
  }
}
