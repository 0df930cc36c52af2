package io.foleystream.media;

import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Version;

/**
 * Initialises GStreamer once per JVM, on first use by any class of this package.
 *
 * <p>No GLib main loop is started: bus and pad callbacks arrive on GStreamer's own threads, and
 * every pipeline here is driven from the calling thread.
 */
final class GStreamerRuntime {

  private static boolean initialized;

  private GStreamerRuntime() {}

  /**
   * Initialises GStreamer if this JVM has not done so yet.
   *
   * @throws MediaException if the native GStreamer libraries cannot be loaded
   */
  static synchronized void ensureInitialized() throws MediaException {
    if (initialized) {
      return;
    }
    try {
      if (!Gst.isInitialized()) {
        Gst.init(Version.BASELINE, "foleystream");
      }
      initialized = true;
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      throw new MediaException(MediaException.Reason.GSTREAMER_UNAVAILABLE,
          "GStreamer 1.x could not be initialised (are its libraries installed?): " + e, e);
    }
  }
}
