package io.foleystream.media;

import org.freedesktop.gstreamer.message.Message;
import org.freedesktop.gstreamer.message.MessageType;

/**
 * Turns the errors on one pipeline's bus into {@link MediaException}s with a reason.
 *
 * <p>GStreamer's Java bindings pass only the message text of a bus error (not its error domain),
 * so the text is matched against the wording of GStreamer's core and plugins. decodebin fails
 * with the same "missing a plug-in" error whether a video decoder is missing or the input has no
 * video at all (only video is asked for); the missing-plugin messages it posts before the error
 * tell the two apart, so {@link #observe} must see every bus message.
 */
final class GStreamerErrors {

  private volatile boolean missingVideoDecoder;

  /** Forgets what earlier inputs reported. */
  void reset() {
    missingVideoDecoder = false;
  }

  /** Notes missing-plugin messages that name a video format. */
  void observe(Message message) {
    if (message.getType() == MessageType.ELEMENT && message.getStructure() != null
        && message.getStructure().getName().equals("missing-plugin")
        && message.getStructure().toString().contains("video/")) {
      missingVideoDecoder = true;
    }
  }

  /** A typed exception for an error posted by {@code element}. */
  MediaException translate(String element, String message) {
    String text = message == null ? "" : message;
    MediaException.Reason reason;
    if (text.contains("missing a plug-in") || text.contains("No decoder")) {
      reason = missingVideoDecoder
          ? MediaException.Reason.UNSUPPORTED_CODEC : MediaException.Reason.NO_VIDEO;
    } else if (text.contains("determine type")) {
      reason = MediaException.Reason.UNSUPPORTED_CONTAINER;
    } else if (text.contains("not found") || text.contains("Could not open")
        || text.contains("Could not read") || text.contains("No such file")) {
      reason = MediaException.Reason.IO;
    } else {
      reason = MediaException.Reason.CORRUPT;
    }
    String detail = reason == MediaException.Reason.NO_VIDEO ? " (no video stream)" : "";
    return new MediaException(reason, "GStreamer error from " + element + ": " + text + detail);
  }
}
