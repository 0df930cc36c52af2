package io.foleystream.media;

import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Version;

/**
 * Initialises GStreamer once per JVM, on first use by any class of this package.
 *
 * <p>No GLib main loop is started: bus and pad callbacks arrive on GStreamer's own threads, and
 * every pipeline here is driven from the calling thread.
 *
 * <p>GStreamer's segfault trap is off. While it loads a plugin (the first decode of a process
 * loads the demuxers and decoders) GStreamer installs a SIGSEGV handler that takes any segfault
 * for a broken plugin and ends the process; the JVM raises and handles SIGSEGV on purpose (implicit
 * null checks, stack banging), so a JVM thread's routine signal during that window killed the
 * whole application ("Caught a segmentation fault while loading plugin file"). The plugin
 * registry is still scanned in GStreamer's separate scanner process, which keeps its own trap.
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
        Gst.init(Version.BASELINE, "foleystream", "--gst-disable-segtrap");
      }
      initialized = true;
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      throw new MediaException(MediaException.Reason.GSTREAMER_UNAVAILABLE,
          "GStreamer 1.x could not be initialised (are its libraries installed?): " + e, e);
    }
  }
}
