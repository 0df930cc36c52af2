package io.foleystream.config;

/** A configuration value is missing, malformed, or the configuration file cannot be read. */
public class ConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message which key or file, and what is wrong
   */
  public ConfigException(String message) {
    super(message);
  }

  /**
   * @param message which key or file, and what is wrong
   * @param cause the underlying failure
   */
  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
