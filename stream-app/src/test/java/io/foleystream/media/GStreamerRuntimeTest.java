package io.foleystream.media;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.freedesktop.gstreamer.Gst;
import org.junit.jupiter.api.Test;

class GStreamerRuntimeTest {

  @Test
  void gstreamerRunsWithoutItsSegfaultTrapSoTheJvmsOwnSignalsCannotEndTheProcess()
      throws Exception {
    GStreamerRuntime.ensureInitialized();
    assertTrue(Gst.isInitialized());
    assertFalse(Gst.isSegTrapEnabled(), "a plugin load must not take the JVM's SIGSEGV for a"
        + " crash");
  }
}
