package io.foleystream.cli;

import io.foleystream.config.ConfigException;
import io.foleystream.config.ConfigKeys;
import io.foleystream.config.FoleystreamConfig;
import io.foleystream.topology.FoleystreamApp;
import io.foleystream.topology.records.Redaction;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the streaming application against a given Kafka cluster and schema registry. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Run the streaming application: video chunks in, synchronized Foley audio chunks out.",
        "Settings come from --config (properties or YAML), FOLEYSTREAM_* environment variables"
            + " (FOLEYSTREAM_BOOTSTRAP_SERVERS sets bootstrap.servers) and --set; every Kafka,"
            + " Kafka Streams and schema registry key passes through unchanged.",
        "Stops gracefully on SIGTERM or Ctrl-C: the running generation batch commits first.",
        "Exit status: 0 stopped, 1 failed (to start, or a part failed for good while running),"
            + " 2 bad usage or configuration."})
final class RunCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Mixin
  KafkaOptions kafka;

  @Option(names = "--models", paramLabel = "SETDIR",
      description = "Model set directory (foleystream.models).")
  Path models;

  @Option(names = "--no-progress", description = "Do not print the progress of the model set's"
      + " loading (checksums, sessions).")
  boolean noProgress;

  @Override
  public Integer call() throws InterruptedException {
    FoleystreamConfig config = kafka.load();
    if (models != null) {
      Preflight.modelSet(models, "--models");
      config = config.with(Map.of(ConfigKeys.MODELS.name(), models.toString()));
    }
    FoleystreamApp app;
    try {
      app = FoleystreamApp.start(config, ModelLoadProgress.forConsole(err(), !noProgress));
    } catch (ConfigException e) {
      err().println("foleystream run: " + Redaction.redact(e.getMessage()));
      err().flush();
      return 2;
    } catch (RuntimeException e) {
      err().println("foleystream run: cannot start: "
          + Redaction.redact(e.getMessage()));
      err().flush();
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      app.close();
      stopped.countDown();
    }, "foleystream-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    // A part that failed for good (the generation loop fenced, its commit lost or out of memory,
    // the assembler in ERROR) ends the process with a failure status, so that an orchestrator
    // restarts it.
    while (!stopped.await(1, TimeUnit.SECONDS)) {
      if (app.failed() || !app.health().live()) {
        err().println("foleystream run: a part failed for good: " + app.health().json());
        err().flush();
        Runtime.getRuntime().removeShutdownHook(hook);
        app.close();
        return 1;
      }
    }
    return 0;
  }

  private PrintWriter err() {
    return spec.commandLine().getErr();
  }
}
