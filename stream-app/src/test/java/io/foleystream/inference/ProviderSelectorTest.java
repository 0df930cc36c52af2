package io.foleystream.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession.SessionOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProviderSelectorTest {

  @Test
  void parsesProviderNames() {
    assertEquals(ProviderChoice.CPU, ProviderChoice.parse("cpu"));
    assertEquals(new ProviderChoice(ProviderChoice.Kind.CUDA, 0), ProviderChoice.parse("CUDA"));
    assertEquals(new ProviderChoice(ProviderChoice.Kind.CUDA, 3), ProviderChoice.parse("cuda:3"));
    assertEquals(ProviderChoice.Kind.AUTO, ProviderChoice.parse(" auto ").kind());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ProviderChoice.parse("tpu"));
    assertTrue(e.getMessage().contains("use cpu, cuda, cuda:N or auto"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> ProviderChoice.parse("cuda:-1"));
  }

  /** The build under test carries the CPU artifact, as every machine without a GPU does. */
  @Test
  void thisBuildHasNoCudaProvider() {
    assertFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA));
  }

  @Test
  void cudaOnTheCpuBuildIsAnErrorThatSaysWhy() throws OrtException {
    try (SessionOptions options = new SessionOptions()) {
      ProviderUnavailableException e = assertThrows(ProviderUnavailableException.class,
          () -> ProviderSelector.forThisRuntime().apply(options, ProviderChoice.parse("cuda:1")));
      assertTrue(e.getMessage().startsWith("execution provider cuda:1 is not available: "
          + "this ONNX Runtime build has no CUDA provider"), e.getMessage());
      assertTrue(e.getMessage().contains("-Pgpu"), e.getMessage());
    }
  }

  @Test
  void autoOnTheCpuBuildFallsBackToCpuWithTheReason() throws OrtException {
    try (SessionOptions options = new SessionOptions()) {
      ProviderSelector.Selection selection = ProviderSelector.forThisRuntime()
          .apply(options, ProviderChoice.parse("auto"));
      assertEquals("CPU", selection.name());
      assertTrue(selection.fallbackReason().contains("no CUDA provider"));
    }
  }

  @Test
  void cpuNeverTouchesCuda() throws OrtException {
    ProviderSelector selector = new ProviderSelector(EnumSet.of(OrtProvider.CPU,
        OrtProvider.CUDA), (options, device) -> {
          throw new AssertionError("cpu must not attach CUDA");
        });
    try (SessionOptions options = new SessionOptions()) {
      ProviderSelector.Selection selection = selector.apply(options, ProviderChoice.CPU);
      assertEquals("CPU", selection.name());
      assertNull(selection.fallbackReason());
    }
  }

  /** The GPU artifact on a host without the CUDA 12 libraries: ONNX Runtime's own message. */
  @Test
  void gpuBuildWithoutCudaLibrariesNamesTheMissingLibrary() throws OrtException {
    ProviderSelector selector = gpuBuildFailingWith("Failed to load library "
        + "libonnxruntime_providers_cuda.so with error: libcublasLt.so.12: cannot open shared "
        + "object file: No such file or directory");
    try (SessionOptions options = new SessionOptions()) {
      ProviderUnavailableException e = assertThrows(ProviderUnavailableException.class,
          () -> selector.apply(options, ProviderChoice.parse("cuda")));
      assertTrue(e.getMessage().contains("a CUDA library could not be loaded"), e.getMessage());
      assertTrue(e.getMessage().contains("CUDA 12 and cuDNN 9"), e.getMessage());
      assertTrue(e.getMessage().contains("libcublasLt.so.12"), e.getMessage());
      assertTrue(e.getCause() instanceof OrtException);
      ProviderSelector.Selection auto = selector.apply(options, ProviderChoice.parse("auto"));
      assertEquals("CPU", auto.name());
      assertTrue(auto.fallbackReason().contains("libcublasLt.so.12"));
    }
  }

  @Test
  void theMissingLibrariesAreNamed(@TempDir Path libraries) throws IOException {
    Files.createFile(libraries.resolve("libcudart.so.12"));
    Files.createFile(libraries.resolve("libcublas.so.12"));
    CudaLibraryProbe probe = new CudaLibraryProbe(List.of(libraries));
    assertEquals(List.of("libcuda.so.1", "libcublasLt.so.12", "libcurand.so.10",
        "libcudnn.so.9"), probe.missing());
    String reason = ProviderSelector.explainCudaFailure("Error code - ORT_FAIL - message: "
        + "OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library", 0, probe);
    assertTrue(reason.contains("not found in LD_LIBRARY_PATH or the usual library directories: "
        + "libcuda.so.1, libcublasLt.so.12, libcurand.so.10, libcudnn.so.9"), reason);
    for (String library : CudaLibraryProbe.REQUIRED) {
      Files.deleteIfExists(libraries.resolve(library));
      Files.createFile(libraries.resolve(library));
    }
    assertEquals(List.of(), probe.missing());
    assertTrue(ProviderSelector.explainCudaFailure("Failed to load shared library", 0, probe)
        .contains("are present, check their versions"));
  }

  @Test
  void gpuBuildWithoutADeviceSaysSo() throws OrtException {
    ProviderSelector selector = gpuBuildFailingWith("CUDA failure 100: no CUDA-capable device "
        + "is detected ; GPU=0 ; hostname=build ; expr=cudaSetDevice(info_.device_id);");
    try (SessionOptions options = new SessionOptions()) {
      ProviderUnavailableException e = assertThrows(ProviderUnavailableException.class,
          () -> selector.apply(options, ProviderChoice.parse("cuda:2")));
      assertTrue(e.getMessage().contains("no CUDA device 2 on this machine"), e.getMessage());
    }
  }

  @Test
  void gpuBuildWithAWorkingDeviceGetsCuda() throws OrtException {
    ProviderSelector selector = new ProviderSelector(EnumSet.of(OrtProvider.CPU,
        OrtProvider.CUDA), (options, device) -> assertEquals(1, device));
    try (SessionOptions options = new SessionOptions()) {
      ProviderSelector.Selection selection = selector.apply(options, ProviderChoice.parse("cuda:1"));
      assertEquals("CUDA:1", selection.name());
      assertTrue(selection.isCuda());
    }
  }

  private static ProviderSelector gpuBuildFailingWith(String message) {
    return new ProviderSelector(EnumSet.of(OrtProvider.CPU, OrtProvider.CUDA),
        (options, device) -> {
          throw new OrtException(OrtException.OrtErrorCode.ORT_EP_FAIL, message);
        });
  }
}
