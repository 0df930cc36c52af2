package io.foleystream.media;

/**
 * Sorts GStreamer's error messages into {@link MediaException.Reason}s. GStreamer's Java bindings
 * pass only the message text of a bus error (not its error domain), so the text is matched
 * against the wording GStreamer's core and plugins use.
 */
final class GStreamerErrors {

  private GStreamerErrors() {}

  /** A typed exception for an error posted on a pipeline's bus. */
  static MediaException fromBus(String element, String message) {
    String text = message == null ? "" : message;
    MediaException.Reason reason;
    if (text.contains("missing a plug-in") || text.contains("No decoder")) {
      reason = MediaException.Reason.UNSUPPORTED_CODEC;
    } else if (text.contains("determine type")) {
      reason = MediaException.Reason.UNSUPPORTED_CONTAINER;
    } else if (text.contains("not found") || text.contains("Could not open")
        || text.contains("Could not read") || text.contains("No such file")) {
      reason = MediaException.Reason.IO;
    } else {
      reason = MediaException.Reason.CORRUPT;
    }
    return new MediaException(reason, "GStreamer error from " + element + ": " + text);
  }
}
