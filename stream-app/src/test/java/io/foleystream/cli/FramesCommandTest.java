package io.foleystream.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.npy.NpyArray;
import io.foleystream.npy.NpyDtype;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FramesCommandTest {

  @TempDir static Path dir;
  private static Path video;

  @BeforeAll
  static void makeVideo() throws Exception {
    video = dir.resolve("clip.ts");
    Process p = new ProcessBuilder("gst-launch-1.0", "-q", "videotestsrc", "num-buffers=75",
        "pattern=ball", "!", "video/x-raw,width=320,height=180,framerate=25/1", "!", "x264enc",
        "speed-preset=ultrafast", "!", "mpegtsmux", "!", "filesink", "location=" + video)
        .inheritIO().start();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "gst-launch-1.0 failed");
  }

  @Test
  void writesTheWindowsModelInputsAndFrameTimes() throws Exception {
    Path out = dir.resolve("out");
    CliRun result = CliRun.of("frames", "--video", video.toString(), "--start", "0.5",
        "--duration", "2", "--out", out.toString());
    assertEquals(0, result.exitCode(), result.err());
    assertTrue(result.out().contains("CLIP: 16 of 16"), result.out());
    NpyArray clip = NpyArray.read(out.resolve("clip.npy"));
    NpyArray sync = NpyArray.read(out.resolve("sync.npy"));
    assertEquals(NpyDtype.FLOAT32, clip.dtype());
    assertArrayEquals(new long[] {16, 3, 384, 384}, clip.shape());
    assertArrayEquals(new long[] {50, 3, 224, 224}, sync.shape());
    long[] syncPts = NpyArray.read(out.resolve("sync_pts.npy")).toLongArray();
    long[] clipPts = NpyArray.read(out.resolve("clip_pts.npy")).toLongArray();
    for (int j = 0; j < 50; j++) {
      assertEquals(520_000 + 40_000L * j, syncPts[j], "0.5 s falls between 25 fps frames");
    }
    for (int i = 0; i < 16; i++) {
      long grid = 500_000 + 125_000L * i;
      assertEquals((grid + 39_999) / 40_000 * 40_000, clipPts[i], "first frame at or after");
    }
  }

  @Test
  void officialGridTakesTheFrameAfterTheOneOnTheGridTime() throws Exception {
    Path out = dir.resolve("official");
    CliRun result = CliRun.of("frames", "--video", video.toString(), "--duration", "1",
        "--grid", "OFFICIAL", "--out", out.toString());
    assertEquals(0, result.exitCode(), result.err());
    long[] syncPts = NpyArray.read(out.resolve("sync_pts.npy")).toLongArray();
    // The float64 sum of 0.04 six times lies above 0.24, so the frame at 0.24 s is too early.
    assertEquals(200_000, syncPts[5]);
    assertEquals(280_000, syncPts[6]);
    assertEquals(280_000, syncPts[7]);
  }

  @Test
  void reportsAWindowThatRunsPastTheEnd() {
    CliRun result = CliRun.of("frames", "--video", video.toString(), "--start", "2",
        "--out", dir.resolve("late").toString());
    assertEquals(0, result.exitCode(), result.err());
    assertTrue(result.out().contains("CLIP: 8 of 64 grid points have a frame (the video ends"),
        result.out());
  }

  @Test
  void anUndecodableVideoIsExitCodeOne() throws java.io.IOException {
    java.nio.file.Path garbage = java.nio.file.Files.write(dir.resolve("garbage.mp4"),
        new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    CliRun result = CliRun.of("frames", "--video", garbage.toString(), "--out",
        dir.resolve("x").toString());
    assertEquals(1, result.exitCode(), result.err());
    assertTrue(result.err().startsWith("foleystream frames: "), result.err());
  }

  @Test
  void helpDescribesTheOutputs() {
    CliRun result = CliRun.of("frames", "--help");
    assertEquals(0, result.exitCode());
    for (String word : new String[] {"--video", "--start", "--duration", "--out", "clip.npy",
        "sync_pts.npy"}) {
      assertTrue(result.out().contains(word), word + " missing from:\n" + result.out());
    }
    assertTrue(CliRun.of("--help").out().contains("frames"));
  }
}
