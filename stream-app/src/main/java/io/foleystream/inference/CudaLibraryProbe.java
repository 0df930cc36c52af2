package io.foleystream.inference;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Looks for the CUDA 12 and cuDNN 9 libraries that ONNX Runtime's CUDA provider links against, so
 * that "failed to load shared library" can say which ones this machine lacks. It only checks for
 * files in {@code LD_LIBRARY_PATH} and the usual library directories (it loads nothing), so a
 * library it finds may still fail to load; it is a hint for the operator, not a verdict.
 */
final class CudaLibraryProbe {

  /**
   * The libraries onnxruntime_gpu 1.29's CUDA provider needs: the NVIDIA driver's libcuda, the
   * ones its shared object links against, and cuDNN, which it opens at run time.
   */
  static final List<String> REQUIRED = List.of("libcuda.so.1", "libcudart.so.12",
      "libcublas.so.12", "libcublasLt.so.12", "libcurand.so.10", "libcudnn.so.9");

  private static final List<String> STANDARD_DIRECTORIES = List.of("/usr/local/cuda/lib64",
      "/usr/local/cuda/targets/x86_64-linux/lib", "/usr/lib/x86_64-linux-gnu", "/usr/lib64",
      "/usr/lib", "/lib/x86_64-linux-gnu", "/lib64");

  private final List<Path> directories;

  CudaLibraryProbe(List<Path> directories) {
    this.directories = List.copyOf(directories);
  }

  /**
   * The probe for this process: {@code LD_LIBRARY_PATH}, then the usual directories.
   *
   * @return the probe
   */
  static CudaLibraryProbe forThisProcess() {
    Set<Path> dirs = new LinkedHashSet<>();
    String path = System.getenv("LD_LIBRARY_PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        if (!dir.isBlank()) {
          dirs.add(Path.of(dir));
        }
      }
    }
    STANDARD_DIRECTORIES.forEach(dir -> dirs.add(Path.of(dir)));
    return new CudaLibraryProbe(new ArrayList<>(dirs));
  }

  /**
   * The required libraries found in none of the directories.
   *
   * @return their file names, in {@link #REQUIRED}'s order
   */
  List<String> missing() {
    List<String> missing = new ArrayList<>();
    for (String library : REQUIRED) {
      if (directories.stream().noneMatch(dir -> Files.exists(dir.resolve(library)))) {
        missing.add(library);
      }
    }
    return missing;
  }
}
