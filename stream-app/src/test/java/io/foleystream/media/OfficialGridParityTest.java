package io.foleystream.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link GridRule#OFFICIAL} against the official inference sampler run by PyAV on the same MP4
 * files (25, 30000/1001 and 24 fps, and a variable frame rate): every CLIP and Synchformer grid
 * point must use the same frame. The exact grid's disagreements with the official sampler are
 * counted and printed, not asserted, since they are the documented difference.
 */
class OfficialGridParityTest {

  private static final long WINDOW_US = 8_000_000;

  @TempDir Path dir;

  @Test
  void officialGridPicksTheOfficialSamplersFrames() throws Exception {
    PyAv.require();
    check("cfr-25", "25/1", NumberedVideo.constantRate(25, 1, 206));
    check("cfr-29.97", "30000/1001", NumberedVideo.constantRate(30000, 1001, 246));
    check("cfr-24", "24/1", NumberedVideo.constantRate(24, 1, 198));
    check("vfr", "0/1", variableRate());
  }

  /** Frame intervals cycling through 1/30, 1/20, 1/25 (on the Synchformer grid) and 1/60 s. */
  private static long[] variableRate() {
    long[] intervals = {3000, 4500, 3600, 1500, 3600, 3000};
    long[] ticks = new long[260];
    for (int k = 1; k < ticks.length; k++) {
      ticks[k] = ticks[k - 1] + intervals[k % intervals.length];
    }
    return ticks;
  }

  private void check(String name, String framerate, long[] ticks) throws Exception {
    Path video = NumberedVideo.encode(dir, name, 64, 48, framerate, ticks,
        new NumberedVideo.Encoding("x264enc speed-preset=ultrafast key-int-max=30 bframes=0"
            + " ! h264parse", "mp4mux", ".mp4"));
    List<String> lines = PyAv.run(dir, "pyav_grid_reference.py", video.toString(),
        String.valueOf(WINDOW_US / 1e6));
    long[] frameTimes = parse(lines.get(0));
    int[] clipReference = Arrays.stream(parse(lines.get(1))).mapToInt(v -> (int) v).toArray();
    int[] syncReference = Arrays.stream(parse(lines.get(2))).mapToInt(v -> (int) v).toArray();
    WindowFrames official = extract(video, GridRule.OFFICIAL);
    WindowFrames exact = extract(video, GridRule.EXACT);
    int[] clip = indices(official.clip(), frameTimes);
    int[] sync = indices(official.sync(), frameTimes);
    System.out.printf("%s: exact grid differs from the official sampler at %d of %d CLIP and"
        + " %d of %d Synchformer points%n", name,
        differences(indices(exact.clip(), frameTimes), clipReference), clipReference.length,
        differences(indices(exact.sync(), frameTimes), syncReference), syncReference.length);
    assertArrayEquals(clipReference, clip, name + " CLIP");
    assertArrayEquals(syncReference, sync, name + " Synchformer");
  }

  private WindowFrames extract(Path video, GridRule rule) throws MediaException {
    try (WindowFrameExtractor extractor =
        new WindowFrameExtractor(DecoderSettings.defaults().withGrid(rule))) {
      return extractor.extract(video, 0, WINDOW_US);
    }
  }

  /** The index of the frame each grid point used, found by its time in PyAV's frame list. */
  private static int[] indices(SampledFrames frames, long[] frameTimes) {
    long[] pts = frames.sourcePtsUs();
    int[] out = new int[frames.covered()];
    for (int i = 0; i < out.length; i++) {
      int best = 0;
      for (int k = 1; k < frameTimes.length; k++) {
        if (Math.abs(frameTimes[k] - pts[i]) < Math.abs(frameTimes[best] - pts[i])) {
          best = k;
        }
      }
      assertTrue(Math.abs(frameTimes[best] - pts[i]) <= 1, "grid point " + i + " used a frame at "
          + pts[i] + " us that PyAV does not have");
      out[i] = best;
    }
    return out;
  }

  private static int differences(int[] a, int[] b) {
    int n = 0;
    for (int i = 0; i < Math.min(a.length, b.length); i++) {
      n += a[i] != b[i] ? 1 : 0;
    }
    return n + Math.abs(a.length - b.length);
  }

  private static long[] parse(String line) {
    return Arrays.stream(line.trim().split(" ")).mapToLong(Long::parseLong).toArray();
  }
}
