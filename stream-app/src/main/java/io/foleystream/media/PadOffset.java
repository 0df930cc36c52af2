package io.foleystream.media;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.glib.Natives;

/**
 * Sets a pad's running-time offset ({@code gst_pad_set_offset}), which GStreamer's Java bindings
 * do not expose; called through JNA on the already loaded GStreamer library.
 */
final class PadOffset {

  private interface Api extends Library {
    void gst_pad_set_offset(Pointer pad, long offset);
  }

  private static final Api API = Native.load("gstreamer-1.0", Api.class);

  private PadOffset() {}

  /** Shifts the running time of everything leaving {@code pad} by {@code offsetNs}. */
  static void set(Pad pad, long offsetNs) {
    API.gst_pad_set_offset(Natives.getRawPointer(pad), offsetNs);
  }
}
