package io.foleystream.cli;

import io.foleystream.config.ConfigException;
import io.foleystream.topology.records.Redaction;
import java.io.PrintWriter;
import java.util.LinkedHashSet;
import java.util.Set;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

/**
 * Turns every failure of a command into one line on stderr, {@code foleystream CMD: problem},
 * and the exit status the help promises: {@value ExitCodes#USAGE} for bad usage or configuration,
 * {@value ExitCodes#FAILED} for a failure at run time. The stack trace follows only with {@code
 * --verbose}; the usage block is not repeated (the line says where help is).
 */
final class ErrorReporter implements IExecutionExceptionHandler, IParameterExceptionHandler {

  private final VerboseFlag verbose;

  /**
   * @param verbose whether the user asked for stack traces
   */
  ErrorReporter(VerboseFlag verbose) {
    this.verbose = verbose;
  }

  /** Whether {@code --verbose} was given, read when a failure is reported. */
  @FunctionalInterface
  interface VerboseFlag {
    /**
     * @return true when stack traces should be printed
     */
    boolean on();
  }

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine cmd = e.getCommandLine();
    PrintWriter err = cmd.getErr();
    String name = cmd.getCommandSpec().qualifiedName();
    err.println(name + ": " + oneLine(e.getMessage()) + " (see '" + name + " --help')");
    if (verbose.on()) {
      e.printStackTrace(err);
    }
    err.flush();
    return ExitCodes.USAGE;
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine cmd, ParseResult parsed) {
    PrintWriter err = cmd.getErr();
    err.println(cmd.getCommandSpec().qualifiedName() + ": " + describe(e));
    if (verbose.on()) {
      e.printStackTrace(err);
    }
    err.flush();
    return exitCode(e);
  }

  /**
   * The exit status of a failure.
   *
   * @param e the failure
   * @return {@value ExitCodes#USAGE} for usage and configuration mistakes, otherwise {@value
   *     ExitCodes#FAILED}
   */
  static int exitCode(Throwable e) {
    return e instanceof UsageException || e instanceof ConfigException
        ? ExitCodes.USAGE : ExitCodes.FAILED;
  }

  /**
   * A failure in one line: its message, then each cause's message that adds something new.
   *
   * @param e the failure
   * @return the line
   */
  static String describe(Throwable e) {
    Set<String> parts = new LinkedHashSet<>();
    String joined = "";
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      String message = t.getMessage() == null ? null : oneLine(t.getMessage());
      if (message == null || message.isBlank()) {
        message = t == e ? t.getClass().getSimpleName() : null;
      }
      if (message != null && !joined.contains(message) && parts.add(message)) {
        joined = String.join(": ", parts);
      }
    }
    return joined;
  }

  /** One line, with any credential a message carries (a URL's user information, a JAAS
   * password) masked. */
  private static String oneLine(String message) {
    return Redaction.redact(message.strip().replaceAll("\\s*\\R\\s*", "; "));
  }
}
