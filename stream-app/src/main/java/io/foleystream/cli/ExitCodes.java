package io.foleystream.cli;

/** The exit statuses every command's help promises. */
final class ExitCodes {

  /** The command did its job. */
  static final int OK = 0;
  /** The command failed at run time (unreachable service, unreadable media, model error). */
  static final int FAILED = 1;
  /** Bad usage or configuration: nothing was run. */
  static final int USAGE = 2;

  private ExitCodes() {}
}
