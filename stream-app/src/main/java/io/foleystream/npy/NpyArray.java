package io.foleystream.npy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A C-ordered array in NumPy's {@code .npy} format (versions 1.0 to 3.0), the exchange format for
 * features, noise, frames and goldens between foleystream and any Python reference run.
 *
 * <p>Written by hand rather than through a library: the format is one header line plus raw
 * little-endian data, and no maintained Java library on Maven Central covers float16 reading.
 *
 * @param dtype element type
 * @param shape dimensions, outermost first
 * @param data the elements, little-endian, C order, positioned at 0 and {@code dtype.size()} times
 *     the element count long
 */
public record NpyArray(NpyDtype dtype, long[] shape, ByteBuffer data) {

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
  private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  /**
   * Validates that the data length matches the shape.
   *
   * @throws IllegalArgumentException if it does not
   */
  public NpyArray {
    shape = shape.clone();
    long count = elementCount(shape);
    if (data.remaining() != count * dtype.size()) {
      throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " of " + dtype
          + " needs " + count * dtype.size() + " bytes, got " + data.remaining());
    }
    data = data.slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * Wraps float32 values.
   *
   * @param shape dimensions
   * @param values elements in C order
   * @return the array
   */
  public static NpyArray ofFloats(long[] shape, float[] values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asFloatBuffer().put(values);
    return new NpyArray(NpyDtype.FLOAT32, shape, buffer);
  }

  /**
   * Wraps int64 values.
   *
   * @param shape dimensions
   * @param values elements in C order
   * @return the array
   */
  public static NpyArray ofLongs(long[] shape, long[] values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asLongBuffer().put(values);
    return new NpyArray(NpyDtype.INT64, shape, buffer);
  }

  /**
   * The dimensions.
   *
   * @return a copy of the shape
   */
  @Override
  public long[] shape() {
    return shape.clone();
  }

  /**
   * The number of elements, the product of the shape.
   *
   * @return element count
   */
  public long elementCount() {
    return elementCount(shape);
  }

  /**
   * The elements as float32, widening float16 exactly.
   *
   * @return a new array
   * @throws IllegalStateException for integer arrays
   */
  public float[] toFloatArray() {
    float[] out = new float[Math.toIntExact(elementCount())];
    ByteBuffer in = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    switch (dtype) {
      case FLOAT32 -> in.asFloatBuffer().get(out);
      case FLOAT16 -> {
        for (int i = 0; i < out.length; i++) {
          out[i] = Float16.toFloat(in.getShort(i * 2));
        }
      }
      default -> throw new IllegalStateException("not a float array: " + dtype);
    }
    return out;
  }

  /**
   * The elements as int64.
   *
   * @return a new array
   * @throws IllegalStateException for float arrays
   */
  public long[] toLongArray() {
    if (dtype != NpyDtype.INT64) {
      throw new IllegalStateException("not an int64 array: " + dtype);
    }
    long[] out = new long[Math.toIntExact(elementCount())];
    data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(out);
    return out;
  }

  /**
   * Reads a {@code .npy} file.
   *
   * @param file the file
   * @return its array
   * @throws IOException if the file cannot be read or is not a C-ordered npy array of a supported
   *     type
   */
  public static NpyArray read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString());
    }
  }

  /**
   * Reads a {@code .npy} stream.
   *
   * @param in the stream, positioned at the magic string
   * @param name what to call the source in error messages
   * @return its array
   * @throws IOException if the stream cannot be read or holds no supported array
   */
  public static NpyArray read(InputStream in, String name) throws IOException {
    byte[] magic = in.readNBytes(8);
    if (magic.length < 8 || !Arrays.equals(Arrays.copyOf(magic, 6), MAGIC)) {
      throw new IOException(name + ": not a NumPy .npy file (bad magic string)");
    }
    int major = magic[6];
    int headerLength;
    if (major == 1) {
      byte[] len = in.readNBytes(2);
      headerLength = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffff;
    } else if (major == 2 || major == 3) {
      byte[] len = in.readNBytes(4);
      headerLength = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getInt();
    } else {
      throw new IOException(name + ": unsupported .npy version " + major);
    }
    String header = new String(in.readNBytes(headerLength),
        major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    NpyDtype dtype = NpyDtype.fromDescr(group(DESCR, header, name), name);
    if (group(FORTRAN, header, name).equals("True")) {
      throw new IOException(name + ": Fortran-ordered arrays are not supported; save in C order");
    }
    long[] shape = parseShape(group(SHAPE, header, name), name);
    long bytes = elementCount(shape) * dtype.size();
    if (bytes > Integer.MAX_VALUE) {
      throw new IOException(name + ": array of " + bytes + " bytes is too large");
    }
    byte[] payload = in.readNBytes((int) bytes);
    if (payload.length != bytes) {
      throw new IOException(name + ": truncated: expected " + bytes + " data bytes, got "
          + payload.length);
    }
    return new NpyArray(dtype, shape, ByteBuffer.wrap(payload));
  }

  /**
   * Writes this array as a version 1.0 {@code .npy} file.
   *
   * @param file the destination, replaced if it exists
   * @throws IOException if writing fails
   */
  public void write(Path file) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      write(out);
    }
  }

  /**
   * Writes this array in {@code .npy} format version 1.0.
   *
   * @param out the destination stream
   * @throws IOException if writing fails
   */
  public void write(OutputStream out) throws IOException {
    StringBuilder dims = new StringBuilder();
    for (long dim : shape) {
      dims.append(dim).append(", ");
    }
    if (shape.length > 1) {
      dims.setLength(dims.length() - 2);
    } else if (shape.length == 1) {
      dims.setLength(dims.length() - 1);
    }
    String dict = "{'descr': '" + dtype.descr() + "', 'fortran_order': False, 'shape': ("
        + dims + "), }";
    // NumPy pads the header with spaces so that the data starts on a 64-byte boundary.
    int unpadded = MAGIC.length + 2 + 2 + dict.length() + 1;
    int padding = (64 - unpadded % 64) % 64;
    String header = dict + " ".repeat(padding) + "\n";
    out.write(MAGIC);
    out.write(new byte[] {1, 0});
    out.write(ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN)
        .putShort((short) header.length()).array());
    out.write(header.getBytes(StandardCharsets.ISO_8859_1));
    ByteBuffer copy = data.duplicate();
    byte[] chunk = new byte[64 * 1024];
    while (copy.hasRemaining()) {
      int n = Math.min(chunk.length, copy.remaining());
      copy.get(chunk, 0, n);
      out.write(chunk, 0, n);
    }
  }

  private static String group(Pattern pattern, String header, String name) throws IOException {
    Matcher m = pattern.matcher(header);
    if (!m.find()) {
      throw new IOException(name + ": malformed .npy header: " + header.strip());
    }
    return m.group(1);
  }

  private static long[] parseShape(String text, String name) throws IOException {
    String[] parts = text.split(",");
    return Arrays.stream(parts).map(String::strip).filter(s -> !s.isEmpty())
        .mapToLong(s -> {
          try {
            return Long.parseLong(s);
          } catch (NumberFormatException e) {
            return -1;
          }
        })
        .peek(d -> {
          if (d < 0) {
            throw new IllegalArgumentException(name + ": bad shape (" + text + ")");
          }
        })
        .toArray();
  }

  private static long elementCount(long[] shape) {
    long count = 1;
    for (long dim : shape) {
      if (dim < 0) {
        throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
      }
      count = Math.multiplyExact(count, dim);
    }
    return count;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof NpyArray that && dtype == that.dtype
        && Arrays.equals(shape, that.shape) && data.equals(that.data);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + data.hashCode();
  }

  @Override
  public String toString() {
    return "NpyArray[" + dtype + " " + Arrays.toString(shape) + "]";
  }
}
