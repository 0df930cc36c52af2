package io.foleystream.inference;

import java.nio.file.Path;

/**
 * How ONNX Runtime sessions are created.
 *
 * @param provider the execution provider asked for
 * @param intraOpThreads threads inside one operator (0 lets ONNX Runtime choose: one per core)
 * @param interOpThreads threads across independent operators (0 lets ONNX Runtime choose)
 * @param cpuArena whether the CPU memory arena is used (faster, keeps freed memory for reuse)
 * @param memoryPattern whether ONNX Runtime pre-plans allocations for repeated input shapes
 * @param profileDirectory where ONNX Runtime writes a per-operator profile of each session (one
 *     JSON file per graph in Chrome's trace format, written when the sessions close), or null
 */
public record RuntimeOptions(ProviderChoice provider, int intraOpThreads, int interOpThreads,
    boolean cpuArena, boolean memoryPattern, Path profileDirectory) {

  /**
   * @throws IllegalArgumentException for negative thread counts
   */
  public RuntimeOptions {
    if (intraOpThreads < 0 || interOpThreads < 0) {
      throw new IllegalArgumentException("thread counts must not be negative: intra-op "
          + intraOpThreads + ", inter-op " + interOpThreads);
    }
  }

  /**
   * CPU, ONNX Runtime's thread defaults, arena and memory patterns on.
   *
   * @return the defaults
   */
  public static RuntimeOptions defaults() {
    return new RuntimeOptions(ProviderChoice.CPU, 0, 0, true, true, null);
  }

  /**
   * The same options with another provider.
   *
   * @param choice the provider
   * @return new options
   */
  public RuntimeOptions withProvider(ProviderChoice choice) {
    return new RuntimeOptions(choice, intraOpThreads, interOpThreads, cpuArena, memoryPattern,
        profileDirectory);
  }

  /**
   * The same options with other thread counts.
   *
   * @param intraOp threads inside one operator, 0 for ONNX Runtime's default
   * @param interOp threads across operators, 0 for ONNX Runtime's default
   * @return new options
   */
  public RuntimeOptions withThreads(int intraOp, int interOp) {
    return new RuntimeOptions(provider, intraOp, interOp, cpuArena, memoryPattern,
        profileDirectory);
  }
}
