package io.foleystream.cli;

/**
 * A mistake on the command line that the user can fix before anything runs (a missing input, an
 * output folder that does not exist, an unknown format): the command exits with status 2.
 */
final class UsageException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * @param message what is wrong and how to fix it, in one line
   */
  UsageException(String message) {
    super(message);
  }
}
