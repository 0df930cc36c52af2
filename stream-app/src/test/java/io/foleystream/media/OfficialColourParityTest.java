package io.foleystream.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decoded RGB, before any resize, against PyAV's {@code to_ndarray('rgb24')} (FFmpeg's swscale
 * with its defaults, the official inference path) on H.264 4:2:0 clips generated at test time:
 * SD and HD, limited and full range, signalling BT.601 or BT.709, with saturated colours under
 * noise and text. The official conversion must stay within a mean absolute difference of 0.3/255
 * and a largest difference of 2/255 on every clip; the colorimetry-following conversion is
 * measured too, to show what the default avoids.
 */
class OfficialColourParityTest {

  /** name, width, height, GStreamer colorimetry the encoder signals. */
  private static final String[][] CLIPS = {
      {"sd-limited-bt601", "720", "576", "bt601"},
      {"sd-full-bt601", "720", "576", "1:4:0:0"},
      {"hd-limited-bt709", "1280", "720", "bt709"},
      {"hd-full-bt709", "1280", "720", "1:3:5:1"}};
  private static final int FRAMES = 3;

  @TempDir Path dir;

  @Test
  void officialConversionMatchesPyAv() throws Exception {
    PyAv.require();
    for (String[] clip : CLIPS) {
      Path video = encode(clip[0], Integer.parseInt(clip[1]), Integer.parseInt(clip[2]), clip[3]);
      List<byte[]> reference = reference(video, clip[0]);
      Difference official = compare(decode(video, ColourConversion.OFFICIAL), reference);
      Difference stream = compare(decode(video, ColourConversion.STREAM), reference);
      System.out.printf("%s: official mean %.4f max %d, stream mean %.4f max %d (of 255)%n",
          clip[0], official.mean(), official.max(), stream.mean(), stream.max());
      assertTrue(official.mean() <= 0.3 && official.max() <= 2, clip[0] + ": official " + official);
      if (clip[3].contains("709") || clip[3].equals("1:3:5:1")) {
        assertTrue(stream.mean() > 2 * Math.max(official.mean(), 0.5), clip[0]
            + ": BT.709 conversion should differ clearly from swscale's BT.601: " + stream);
      }
    }
  }

  private record Difference(double mean, int max) {}

  private Path encode(String name, int width, int height, String colorimetry) throws Exception {
    Path out = dir.resolve(name + ".ts");
    String size = "video/x-raw,width=" + width + ",height=" + height + ",framerate=25/1";
    TestFrames.run("gst-launch-1.0", "-q", "compositor", "name=m", "sink_1::alpha=0.3", "!",
        "video/x-raw,width=" + width + ",height=" + height, "!", "timeoverlay",
        "font-desc=Sans " + height / 12, "!", "videoconvert", "!",
        "video/x-raw,format=I420,colorimetry=" + colorimetry, "!", "x264enc",
        "speed-preset=ultrafast", "pass=quant", "quantizer=16", "key-int-max=" + FRAMES, "!",
        "h264parse", "!", "mpegtsmux", "!", "filesink", "location=" + out,
        "videotestsrc", "num-buffers=" + FRAMES, "pattern=colors", "!", size, "!", "m.",
        "videotestsrc", "num-buffers=" + FRAMES, "pattern=snow", "!", size, "!", "m.");
    return out;
  }

  private List<byte[]> reference(Path video, String name) throws Exception {
    Path out = dir.resolve(name + "-pyav");
    PyAv.run(dir, "pyav_rgb_reference.py", video.toString(), out.toString());
    List<byte[]> frames = new ArrayList<>();
    for (String line : Files.readAllLines(out.resolve("frames.txt"))) {
      frames.add(Files.readAllBytes(out.resolve(line.split(" ")[0] + ".rgb")));
    }
    return frames;
  }

  /** Every frame of the file as tightly packed RGB. */
  private static List<byte[]> decode(Path video, ColourConversion colour) throws Exception {
    List<byte[]> frames = new ArrayList<>();
    DecoderSettings settings = DecoderSettings.defaults().withColour(colour);
    try (DecodingPipeline pipeline = DecodingPipeline.forFile(video.toString(), settings)) {
      pipeline.decodeFile(new StreamClock(video.toString(), 0, -1, 0), new FrameSink() {
        @Override
        public Decision decide(long ptsUs) {
          return Decision.TAKE;
        }

        @Override
        public boolean accept(RgbFrame frame) {
          int row = frame.width() * 3;
          byte[] packed = new byte[row * frame.height()];
          for (int y = 0; y < frame.height(); y++) {
            System.arraycopy(frame.pixels(), y * frame.stride(), packed, y * row, row);
          }
          frames.add(packed);
          return true;
        }
      }, video.toString());
    }
    return frames;
  }

  private static Difference compare(List<byte[]> ours, List<byte[]> reference) {
    assertEquals(reference.size(), ours.size(), "frame count");
    long sum = 0;
    long count = 0;
    int max = 0;
    for (int f = 0; f < ours.size(); f++) {
      byte[] a = ours.get(f);
      byte[] b = reference.get(f);
      assertEquals(b.length, a.length, "frame " + f + " size");
      for (int i = 0; i < a.length; i++) {
        int d = Math.abs((a[i] & 0xFF) - (b[i] & 0xFF));
        sum += d;
        max = Math.max(max, d);
      }
      count += a.length;
    }
    return new Difference((double) sum / count, max);
  }
}
