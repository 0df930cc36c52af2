package io.foleystream.inference;

/**
 * The execution provider asked for cannot be used here; the message says why (no CUDA provider in
 * this ONNX Runtime build, a CUDA or cuDNN library missing, no such device).
 */
public final class ProviderUnavailableException extends InferenceException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message the provider and the reason
   * @param cause the ONNX Runtime error, if there was one
   */
  public ProviderUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
