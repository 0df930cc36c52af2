package io.foleystream.media;

import io.foleystream.config.ConfigKeys;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.Structure;

/**
 * The hard limit on a source's picture size, judged on the caps GStreamer knows before a decoder
 * runs: a demuxer's caps carry the container's declared size, a parser's (h264parse, h265parse,
 * vp9parse, ...) the size of the codec's own sequence header, which is what the decoder would
 * allocate. Refusing there costs no decoding, where scaling costs a full-size decode per frame.
 *
 * <p>The limit is a pixel count, not a width and a height: decoder memory and time grow with the
 * area, and one count admits every orientation and aspect of a source up to that area.
 */
final class SourceSizeLimit {

  private final long maxPixels;

  /**
   * A limit.
   *
   * @param maxPixels the most pixels (width x height) a source may declare
   */
  SourceSizeLimit(long maxPixels) {
    this.maxPixels = maxPixels;
  }

  /**
   * The failure for a source of these caps, or {@code null} where they declare no picture size
   * (not a video format, or the size is not known yet) or one within the limit.
   *
   * @param caps caps of a pad inside or at the end of decodebin; decoded ({@code video/x-raw})
   *     caps are judged too, for formats whose demuxer and parser declare no size
   * @return the failure, or {@code null}
   */
  MediaException refusal(Caps caps) {
    if (caps == null) {
      return null;
    }
    for (int i = 0; i < caps.size(); i++) {
      Structure s = caps.getStructure(i);
      if (s.getName().startsWith("video/") && s.hasIntField("width")
          && s.hasIntField("height")) {
        // Raw caps come from a decoder that has already read the stream: no header before it
        // declared the size.
        MediaException refused = refusal(s.getInteger("width"), s.getInteger("height"),
            s.getName().equals("video/x-raw") ? "refused at the decoder's output"
                : "refused before decoding");
        if (refused != null) {
          return refused;
        }
      }
    }
    return null;
  }

  /**
   * The failure for a source of this size, or {@code null} where it is within the limit.
   *
   * @param width width in pixels
   * @param height height in pixels
   * @param when when it was refused, for the message
   * @return the failure, or {@code null}
   */
  MediaException refusal(int width, int height, String when) {
    long pixels = (long) width * height;
    if (pixels <= maxPixels) {
      return null;
    }
    return new MediaException(MediaException.Reason.TOO_LARGE, "source of " + width
        + "x" + height + " (" + pixels + " pixels) is larger than "
        + ConfigKeys.DECODER_MAX_SOURCE_PIXELS.name() + " = " + maxPixels + "; " + when);
  }
}
