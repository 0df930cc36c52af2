package io.foleystream.media;

/**
 * A decoded frame as the resize reads it: one source row at a time, as float R, G and B planes
 * holding the 8-bit sample values. The resize then never needs the whole frame in RGB, and its
 * arithmetic runs on float arrays, which the JIT vectorises (it does not vectorise loops that
 * widen bytes to floats).
 */
interface FrameRows {

  /**
   * Width in pixels.
   *
   * @return the width
   */
  int width();

  /**
   * Height in pixels.
   *
   * @return the height
   */
  int height();

  /**
   * Writes columns {@code [from, to)} of row {@code y}: R to {@code dest[0 .. to - from)}, G from
   * {@code dest[plane]}, B from {@code dest[2 * plane]}.
   *
   * @param y the row
   * @param from first column
   * @param to one past the last column
   * @param dest destination, at least {@code 2 * plane + to - from} floats
   * @param plane distance between the channel planes in {@code dest}, at least {@code to - from}
   */
  void read(int y, int from, int to, float[] dest, int plane);
}
