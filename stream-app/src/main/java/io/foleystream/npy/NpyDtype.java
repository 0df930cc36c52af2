package io.foleystream.npy;

import java.io.IOException;

/** The element types foleystream exchanges in {@code .npy} files, all little-endian. */
public enum NpyDtype {
  /** IEEE 754 binary32. */
  FLOAT32("<f4", 4),
  /** IEEE 754 binary16 (read only as widened float32). */
  FLOAT16("<f2", 2),
  /** Signed 64-bit integers (token ids, index tables). */
  INT64("<i8", 8);

  private final String descr;
  private final int size;

  NpyDtype(String descr, int size) {
    this.descr = descr;
    this.size = size;
  }

  /**
   * NumPy's type string.
   *
   * @return e.g. {@code <f4}
   */
  public String descr() {
    return descr;
  }

  /**
   * Bytes per element.
   *
   * @return element size
   */
  public int size() {
    return size;
  }

  static NpyDtype fromDescr(String descr, String source) throws IOException {
    String normalized = descr.replace('=', '<').replace('|', '<');
    for (NpyDtype dtype : values()) {
      if (dtype.descr.equals(normalized)) {
        return dtype;
      }
    }
    throw new IOException(source + ": unsupported dtype '" + descr
        + "' (supported: little-endian float32, float16, int64)");
  }
}
