package io.foleystream.media;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;

/** Where {@link ChunkSegmenter} reads video from. */
public sealed interface VideoSource {

  /**
   * Anything GStreamer's {@code uridecodebin} opens: {@code file://}, {@code http(s)://} (HLS and
   * DASH included), {@code rtsp://}, {@code srt://}, ...
   *
   * @param uri the source URI
   */
  record Uri(String uri) implements VideoSource {}

  /**
   * GStreamer's test picture (moving colour bars with a running clock), for demos and tests.
   *
   * @param width frame width
   * @param height frame height
   * @param fps frames per second
   * @param durationUs how long the source runs, microseconds
   * @param live whether frames come at the real-time pace of a camera
   */
  record TestPattern(int width, int height, int fps, long durationUs, boolean live)
      implements VideoSource {

    /**
     * Validates the fields.
     *
     * @throws IllegalArgumentException if a value is not positive
     */
    public TestPattern {
      if (width < 16 || height < 16 || fps < 1 || durationUs <= 0) {
        throw new IllegalArgumentException("bad test pattern " + width + "x" + height + "@"
            + fps + " for " + durationUs + " us");
      }
    }
  }

  /**
   * Reads a command-line style source: {@code test} (or {@code test:WIDTHxHEIGHT@FPS:SECONDS})
   * for the test picture, a URI with a scheme, or a local path.
   *
   * @param spec the argument
   * @return the source
   * @throws IllegalArgumentException if a {@code test:} spec is malformed
   */
  static VideoSource parse(String spec) {
    if (spec.equals("test")) {
      return new TestPattern(1280, 720, 30, 30_000_000L, false);
    }
    if (spec.startsWith("test:")) {
      String[] parts = spec.substring(5).toLowerCase(Locale.ROOT).split("[x@:]");
      if (parts.length != 4) {
        throw new IllegalArgumentException("expected test:WIDTHxHEIGHT@FPS:SECONDS, got " + spec);
      }
      return new TestPattern(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]),
          Integer.parseInt(parts[2]), Math.round(Double.parseDouble(parts[3]) * 1e6), false);
    }
    if (spec.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
      return new Uri(URI.create(spec).toString());
    }
    return new Uri(Path.of(spec).toAbsolutePath().toUri().toString());
  }
}
