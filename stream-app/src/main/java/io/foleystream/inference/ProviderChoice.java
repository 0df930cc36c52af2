package io.foleystream.inference;

import java.util.Locale;

/**
 * The execution provider a user asks for: {@code cpu}, {@code cuda} or {@code cuda:N} (device N),
 * or {@code auto} (CUDA device 0 when this build and machine have it, CPU otherwise).
 *
 * @param kind which provider
 * @param device the CUDA device index (0 unless {@code cuda:N})
 */
public record ProviderChoice(Kind kind, int device) {

  /** The provider kinds. */
  public enum Kind {
    /** ONNX Runtime's CPU provider. */
    CPU,
    /** The CUDA provider; an error if unavailable. */
    CUDA,
    /** CUDA if available, else CPU. */
    AUTO
  }

  /** The CPU provider. */
  public static final ProviderChoice CPU = new ProviderChoice(Kind.CPU, 0);

  /**
   * @throws IllegalArgumentException for a negative device
   */
  public ProviderChoice {
    if (device < 0) {
      throw new IllegalArgumentException("CUDA device index must not be negative: " + device);
    }
  }

  /**
   * Parses a provider name.
   *
   * @param text {@code cpu}, {@code cuda}, {@code cuda:N} or {@code auto}, any case
   * @return the choice
   * @throws IllegalArgumentException naming the accepted values
   */
  public static ProviderChoice parse(String text) {
    String name = text.strip().toLowerCase(Locale.ROOT);
    switch (name) {
      case "cpu":
        return CPU;
      case "cuda":
        return new ProviderChoice(Kind.CUDA, 0);
      case "auto":
        return new ProviderChoice(Kind.AUTO, 0);
      default:
        if (name.matches("cuda:\\d{1,4}")) {
          return new ProviderChoice(Kind.CUDA, Integer.parseInt(name.substring(5)));
        }
        throw new IllegalArgumentException("unknown execution provider '" + text
            + "': use cpu, cuda, cuda:N or auto");
    }
  }

  @Override
  public String toString() {
    return switch (kind) {
      case CPU -> "cpu";
      case AUTO -> "auto";
      case CUDA -> "cuda:" + device;
    };
  }
}
