package io.foleystream.inference;

import java.util.List;
import java.util.stream.Collectors;

/**
 * One input or output of a graph as the model set declares it.
 *
 * @param name the ONNX name
 * @param dtype element type as the manifest spells it ({@code float32}, {@code int64})
 * @param shape dimensions, outermost first
 */
public record TensorSpec(String name, String dtype, List<Dimension> shape) {

  /** The float32 element type. */
  public static final String FLOAT32 = "float32";
  /** The int64 element type. */
  public static final String INT64 = "int64";

  /**
   * @throws NullPointerException if any part is missing
   */
  public TensorSpec {
    shape = List.copyOf(shape);
  }

  /**
   * One dimension: a fixed size, or a symbolic one (the batch) that any size may take.
   *
   * @param symbol the symbol of a symbolic dimension, else null
   * @param size the size of a fixed dimension, else -1
   */
  public record Dimension(String symbol, long size) {

    /**
     * A fixed dimension.
     *
     * @param size the size
     * @return the dimension
     */
    public static Dimension fixed(long size) {
      return new Dimension(null, size);
    }

    /**
     * A symbolic dimension.
     *
     * @param symbol its name, e.g. {@code "B"}
     * @return the dimension
     */
    public static Dimension symbolic(String symbol) {
      return new Dimension(symbol, -1);
    }

    /**
     * Whether any size fits.
     *
     * @return true for a symbolic dimension
     */
    public boolean isSymbolic() {
      return symbol != null;
    }

    @Override
    public String toString() {
      return isSymbolic() ? '"' + symbol + '"' : Long.toString(size);
    }
  }

  /**
   * Builds a spec from a mix of symbols (strings) and sizes (numbers).
   *
   * @param name the ONNX name
   * @param dtype element type
   * @param dims each a {@link String} symbol or a {@link Number} size
   * @return the spec
   */
  static TensorSpec of(String name, String dtype, Object... dims) {
    List<Dimension> shape = new java.util.ArrayList<>(dims.length);
    for (Object dim : dims) {
      shape.add(dim instanceof String symbol ? Dimension.symbolic(symbol)
          : Dimension.fixed(((Number) dim).longValue()));
    }
    return new TensorSpec(name, dtype, shape);
  }

  /**
   * Whether another spec has the same name, dtype, rank and fixed sizes; symbolic dimensions match
   * any other symbolic dimension whatever its symbol.
   *
   * @param other the other spec
   * @return true if compatible
   */
  public boolean sameSignature(TensorSpec other) {
    if (!name.equals(other.name) || !dtype.equals(other.dtype)
        || shape.size() != other.shape.size()) {
      return false;
    }
    for (int i = 0; i < shape.size(); i++) {
      Dimension a = shape.get(i);
      Dimension b = other.shape.get(i);
      if (a.isSymbolic() != b.isSymbolic() || (!a.isSymbolic() && a.size() != b.size())) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    return name + " " + dtype + " "
        + shape.stream().map(Dimension::toString).collect(Collectors.joining(", ", "[", "]"));
  }
}
