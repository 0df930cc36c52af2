package io.foleystream.cli;

import io.foleystream.inference.ProviderChoice;
import io.foleystream.inference.RuntimeOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** The ONNX Runtime options shared by the commands that run a model set. */
final class RuntimeOptionsMixin {

  @Option(names = "--provider", defaultValue = "cpu", paramLabel = "P",
      converter = ProviderConverter.class,
      description = "Execution provider: cpu, cuda, cuda:N or auto (default: ${DEFAULT-VALUE}).")
  ProviderChoice provider;

  @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
      description = "ONNX Runtime intra-op threads (default: one per core).")
  int threads;

  @Option(names = "--inter-op-threads", defaultValue = "0", paramLabel = "N",
      description = "ONNX Runtime inter-op threads (default: ONNX Runtime's).")
  int interOpThreads;

  @Option(names = "--no-cpu-arena", description = "Disable ONNX Runtime's CPU memory arena.")
  boolean noCpuArena;

  @Option(names = "--ort-profile", paramLabel = "DIR",
      description = "Write ONNX Runtime's per-operator profile of each graph into DIR.")
  Path ortProfile;

  /** Parses provider names for picocli, so a bad one is a usage error. */
  static final class ProviderConverter implements ITypeConverter<ProviderChoice> {
    @Override
    public ProviderChoice convert(String value) {
      return ProviderChoice.parse(value);
    }
  }

  /**
   * The options as the engine takes them; creates the profile directory if one was asked for.
   *
   * @return the runtime options
   * @throws IOException if the profile directory cannot be created
   */
  RuntimeOptions toRuntimeOptions() throws IOException {
    if (ortProfile != null) {
      Files.createDirectories(ortProfile);
    }
    return new RuntimeOptions(provider, threads, interOpThreads, !noCpuArena, true, ortProfile);
  }
}
