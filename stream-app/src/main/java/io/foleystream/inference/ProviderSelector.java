package io.foleystream.inference;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession.SessionOptions;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns a {@link ProviderChoice} into session options: CPU as is; CUDA only if this ONNX Runtime
 * build has the CUDA provider and it attaches (its libraries load and the device exists). For
 * {@code auto}, any CUDA failure falls back to CPU with the reason; for {@code cuda} it is a
 * {@link ProviderUnavailableException} with the reason.
 */
final class ProviderSelector {

  /** Attaches the CUDA provider to session options; ONNX Runtime's addCUDA in production. */
  @FunctionalInterface
  interface CudaAttacher {
    void attach(SessionOptions options, int device) throws OrtException;
  }

  /**
   * The provider a session was configured with.
   *
   * @param name {@code CPU} or {@code CUDA:N}
   * @param fallbackReason why {@code auto} did not get CUDA, or null
   */
  record Selection(String name, String fallbackReason) {
    boolean isCuda() {
      return name.startsWith("CUDA");
    }
  }

  private final Set<OrtProvider> available;
  private final CudaAttacher attacher;

  ProviderSelector(Set<OrtProvider> available, CudaAttacher attacher) {
    this.available = Set.copyOf(available);
    this.attacher = attacher;
  }

  /**
   * The selector for the ONNX Runtime build on the class path.
   *
   * @return the selector
   */
  static ProviderSelector forThisRuntime() {
    return new ProviderSelector(OrtEnvironment.getAvailableProviders(), SessionOptions::addCUDA);
  }

  /**
   * Adds the chosen provider to session options.
   *
   * @param options the options to configure
   * @param choice what the user asked for
   * @return the provider configured
   * @throws ProviderUnavailableException if CUDA was asked for explicitly and cannot be had
   */
  Selection apply(SessionOptions options, ProviderChoice choice) {
    if (choice.kind() == ProviderChoice.Kind.CPU) {
      return new Selection("CPU", null);
    }
    String unavailable = null;
    OrtException cause = null;
    if (!available.contains(OrtProvider.CUDA)) {
      unavailable = "this ONNX Runtime build has no CUDA provider (it is the CPU artifact "
          + "'onnxruntime'; build with the Maven profile -Pgpu for 'onnxruntime_gpu', which needs "
          + "CUDA 12 and cuDNN 9 at run time)";
    } else {
      try {
        attacher.attach(options, choice.device());
        return new Selection("CUDA:" + choice.device(), null);
      } catch (OrtException e) {
        unavailable = explainCudaFailure(e.getMessage(), choice.device());
        cause = e;
      }
    }
    if (choice.kind() == ProviderChoice.Kind.AUTO) {
      return new Selection("CPU", unavailable);
    }
    throw new ProviderUnavailableException("execution provider " + choice
        + " is not available: " + unavailable, cause);
  }

  /**
   * Says in words why CUDA failed, from ONNX Runtime's message.
   *
   * @param message ONNX Runtime's error message
   * @param device the device asked for
   * @return the reason, ending with ONNX Runtime's own message
   */
  static String explainCudaFailure(String message, int device) {
    return explainCudaFailure(message, device, CudaLibraryProbe.forThisProcess());
  }

  static String explainCudaFailure(String message, int device, CudaLibraryProbe probe) {
    String text = message == null ? "" : message;
    String lower = text.toLowerCase(Locale.ROOT);
    if (lower.contains("cannot open shared object") || lower.contains("failed to load")
        || lower.contains("error loading") || lower.contains("loadlibrary")) {
      List<String> missing = probe.missing();
      String found = missing.isEmpty() ? "all of " + CudaLibraryProbe.REQUIRED
          + " are present, check their versions"
          : "not found in LD_LIBRARY_PATH or the usual library directories: "
              + String.join(", ", missing);
      return "a CUDA library could not be loaded (the CUDA provider needs CUDA 12 and cuDNN 9; "
          + found + "): " + text;
    }
    if (lower.contains("no cuda-capable device") || lower.contains("invalid device ordinal")
        || lower.contains("cuda failure 100") || lower.contains("cuda failure 101")
        || lower.contains("cudaerrornodevice") || lower.contains("cudaerrorinvaliddevice")) {
      return "no CUDA device " + device + " on this machine: " + text;
    }
    return "the CUDA provider failed to start: " + text;
  }
}
