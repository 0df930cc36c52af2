package io.foleystream.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code foleystream} command line. Each job is a subcommand; running it without
 * one prints the usage.
 */
@Command(
    name = "foleystream",
    mixinStandardHelpOptions = true,
    versionProvider = FoleystreamCli.BuildVersion.class,
    description = "Generated, synchronized Foley audio for live video on Kafka.",
    subcommands = {DemoCommand.class, RunCommand.class, IngestCommand.class, MuxCommand.class,
        GenerateCommand.class, BenchmarkCommand.class, FramesCommand.class,
        CommandLine.HelpCommand.class})
public final class FoleystreamCli implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
      description = "Print the stack trace of a failure and the Kafka clients' log.")
  boolean verbose;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * Builds the command line with the standard foleystream configuration, for {@link #main} and
   * for tests that run commands in-process.
   *
   * @return a fresh command line
   */
  public static CommandLine commandLine() {
    FoleystreamCli root = new FoleystreamCli();
    ErrorReporter errors = new ErrorReporter(() -> root.verbose);
    return new CommandLine(root)
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(errors)
        .setParameterExceptionHandler(errors);
  }

  /**
   * Whether {@code --verbose} was given (it may follow any subcommand).
   *
   * @param spec a command's spec
   * @return true for verbose output
   */
  static boolean verbose(CommandLine.Model.CommandSpec spec) {
    return ((FoleystreamCli) spec.root().userObject()).verbose;
  }

  /**
   * Runs the command line and exits with the command's status.
   *
   * @param args command-line arguments
   */
  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** Reads the version Maven wrote into the jar at build time. */
  static final class BuildVersion implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      Properties properties = new Properties();
      try (InputStream in =
          FoleystreamCli.class.getResourceAsStream("/foleystream-version.properties")) {
        if (in == null) {
          throw new IllegalStateException("foleystream-version.properties missing from the jar");
        }
        properties.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new String[] {"foleystream " + properties.getProperty("version")};
    }
  }
}
