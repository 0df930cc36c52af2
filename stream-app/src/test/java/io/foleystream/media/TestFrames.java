package io.foleystream.media;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Real-looking RGB frames made by gst-launch-1.0 at test time. */
final class TestFrames {

  private TestFrames() {}

  /**
   * One frame of colour bars under 30 % snow with a large clock text: sharp edges, fine noise and
   * text, the hard cases for a resampler.
   */
  static RgbFrame busyFrame(Path dir, int width, int height) throws Exception {
    Path raw = dir.resolve("frame-" + width + "x" + height + ".rgb");
    String size = "video/x-raw,width=" + width + ",height=" + height;
    run("gst-launch-1.0", "-q", "compositor", "name=m", "sink_1::alpha=0.3", "!", size, "!",
        "timeoverlay", "font-desc=Sans " + Math.max(12, height / 20), "!", "videoconvert", "!",
        "video/x-raw,format=RGB", "!", "filesink", "location=" + raw,
        "videotestsrc", "num-buffers=1", "pattern=smpte", "!", size, "!", "m.",
        "videotestsrc", "num-buffers=1", "pattern=snow", "!", size, "!", "m.");
    byte[] pixels = Files.readAllBytes(raw);
    int stride = (width * 3 + 3) & ~3;
    return new RgbFrame(0, width, height, stride, pixels);
  }

  /** The same busy frame as {@link #busyFrame}, in I420 as a decoder hands it over. */
  static I420Frame busyI420Frame(Path dir, int width, int height) throws Exception {
    Path raw = dir.resolve("frame-" + width + "x" + height + ".yuv");
    String size = "video/x-raw,width=" + width + ",height=" + height;
    run("gst-launch-1.0", "-q", "compositor", "name=m", "sink_1::alpha=0.3", "!", size, "!",
        "timeoverlay", "font-desc=Sans " + Math.max(12, height / 20), "!", "videoconvert", "!",
        "video/x-raw,format=I420", "!", "filesink", "location=" + raw,
        "videotestsrc", "num-buffers=1", "pattern=smpte", "!", size, "!", "m.",
        "videotestsrc", "num-buffers=1", "pattern=snow", "!", size, "!", "m.");
    return new I420Frame(0, I420Layout.of(width, height), Files.readAllBytes(raw), false);
  }

  /** Runs a command, failing with its output if it does not exit 0 within two minutes. */
  static void run(String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed:\n"
          + new String(output, java.nio.charset.StandardCharsets.UTF_8));
    }
  }
}
