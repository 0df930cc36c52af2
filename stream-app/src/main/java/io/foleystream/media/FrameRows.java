package io.foleystream.media;

/**
 * A decoded frame as the resize reads it: one source row at a time, as float R, G and B arrays
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
   * Writes columns {@code [from, to)} of row {@code y}, one array per channel, from index 0.
   *
   * @param y the row
   * @param from first column
   * @param to one past the last column
   * @param red receives the R samples, at least {@code to - from} floats
   * @param green receives the G samples
   * @param blue receives the B samples
   */
  void read(int y, int from, int to, float[] red, float[] green, float[] blue);
}
