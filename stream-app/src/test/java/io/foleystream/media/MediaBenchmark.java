package io.foleystream.media;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Decode + sample + preprocess of 8 s of 1080p30 H.264, next to gst-launch-1.0 decoding and
 * scaling the same clip alone. Run by {@code stream-app/scripts/bench-media.sh}; prints a
 * Markdown table. Not a test: speed is reported, never asserted.
 */
public final class MediaBenchmark {

  private static final int DEFAULT_RUNS = 5;
  private static final long WINDOW_US = 8_000_000;
  private static final int FRAMES = 240;

  private MediaBenchmark() {}

  /** One timed run: wall and process CPU seconds. */
  private record Timing(double wall, double cpu) {}

  /**
   * Runs the benchmark.
   *
   * @param args the work directory, then optionally the number of runs per row (default 5)
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    Path dir = Files.createDirectories(Path.of(args[0]));
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : DEFAULT_RUNS;
    System.out.println("Load average at the start: "
        + Files.readString(Path.of("/proc/loadavg")).trim());
    Path clip = dir.resolve("bench-1080p30.ts");
    if (!Files.exists(clip)) {
      makeClip(clip);
    }
    List<MediaChunk> chunks = new ArrayList<>();
    new ChunkSegmenter(new SegmenterSettings(2_000_000, SegmenterSettings.Reencode.AUTO, 8000))
        .run(new VideoSource.Uri(clip.toUri().toString()), chunks::add);

    List<Timing> chunked = new ArrayList<>();
    List<Timing> file = new ArrayList<>();
    List<Timing> chunkedStream = new ArrayList<>();
    List<Timing> gstScale = new ArrayList<>();
    List<Timing> gstRgb = new ArrayList<>();
    try (WindowFrameExtractor extractor = new WindowFrameExtractor(DecoderSettings.defaults());
        WindowFrameExtractor streamColour = new WindowFrameExtractor(
            DecoderSettings.defaults().withColour(ColourConversion.STREAM))) {
      extractor.extract(chunks, 0, WINDOW_US);
      streamColour.extract(chunks, 0, WINDOW_US);
      for (int r = 0; r < runs; r++) {
        chunked.add(timeOurs(() -> check(extractor.extract(chunks, 0, WINDOW_US))));
        file.add(timeOurs(() -> check(extractor.extract(clip, 0, WINDOW_US))));
        chunkedStream.add(timeOurs(() -> check(streamColour.extract(chunks, 0, WINDOW_US))));
        gstScale.add(timeGst(clip, "videoscale method=catrom ! videoconvert"
            + " ! video/x-raw,format=RGB,width=384,height=384,pixel-aspect-ratio=1/1"));
        gstRgb.add(timeGst(clip, "videoconvert ! video/x-raw,format=RGB"));
      }
    }
    long peakRssKb = peakRssKb();
    double[] perFrame = preprocessMillis();

    System.out.println("| pipeline (8 s, 240 frames of 1080p30 H.264) | wall s | frames/s"
        + " | x real time | CPU s |");
    System.out.println("| --- | ---: | ---: | ---: | ---: |");
    row("foleystream: 4 chunks of 2 s, decode + sample 64 + 200 + preprocess", chunked);
    row("foleystream: the file, decode + sample + preprocess", file);
    row("foleystream: 4 chunks, colour by videoconvert (`media.colour=stream`)", chunkedStream);
    row("gst-launch-1.0: decode + catrom scale to 384x384 RGB", gstScale);
    row("gst-launch-1.0: decode + convert to 1920x1080 RGB", gstRgb);
    System.out.printf("%nRatio ours/theirs (medians): chunks vs decode+scale %.2f wall, %.2f CPU;"
        + " file vs decode+scale %.2f wall, %.2f CPU%n",
        median(chunked, true) / median(gstScale, true),
        median(chunked, false) / median(gstScale, false),
        median(file, true) / median(gstScale, true), median(file, false) / median(gstScale, false));
    System.out.printf("Preprocessing one 1080p frame, one thread: CLIP %.2f ms (%.0f frames/s),"
        + " Synchformer %.2f ms (%.0f frames/s)%n", perFrame[0], 1000 / perFrame[0], perFrame[1],
        1000 / perFrame[1]);
    System.out.printf("Peak RSS of the JVM over the runs above (heap limit %d MB): %d MB%n",
        Runtime.getRuntime().maxMemory() >> 20, peakRssKb >> 10);
    System.out.println("Load average at the end (other work on the machine): "
        + Files.readString(Path.of("/proc/loadavg")).trim());
  }

  private interface Work {
    void run() throws Exception;
  }

  private static void check(WindowFrames window) {
    if (!window.complete()) {
      throw new IllegalStateException("window not fully covered");
    }
  }

  private static Timing timeOurs(Work work) throws Exception {
    double cpu0 = processCpuSeconds();
    long t0 = System.nanoTime();
    work.run();
    return new Timing((System.nanoTime() - t0) / 1e9, processCpuSeconds() - cpu0);
  }

  private static Timing timeGst(Path clip, String tail) throws Exception {
    String pipeline = "filesrc location=" + clip + " ! tsdemux ! h264parse ! avdec_h264 ! " + tail
        + " ! fakesink";
    List<String> cmd = List.of("bash", "-c",
        "TIMEFORMAT='%R %U %S'; time gst-launch-1.0 -q " + pipeline);
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (p.waitFor() != 0) {
      throw new IllegalStateException(pipeline + ": " + out);
    }
    String[] last = out.substring(out.lastIndexOf('\n') + 1).split(" ");
    return new Timing(Double.parseDouble(last[0]),
        Double.parseDouble(last[1]) + Double.parseDouble(last[2]));
  }

  private static void row(String name, List<Timing> timings) {
    double wall = median(timings, true);
    System.out.printf("| %s | %.2f | %.0f | %.1f | %.2f |%n", name, wall, FRAMES / wall,
        WINDOW_US / 1e6 / wall, median(timings, false));
  }

  private static double median(List<Timing> timings, boolean wall) {
    double[] v = timings.stream().mapToDouble(t -> wall ? t.wall() : t.cpu()).sorted().toArray();
    return v[v.length / 2];
  }

  /** Milliseconds per 1080p frame for the CLIP and Synchformer transforms. */
  private static double[] preprocessMillis() throws Exception {
    RgbFrame frame = TestFrames.busyFrame(Files.createTempDirectory("bench"), 1920, 1080);
    FramePreprocessor clip = FramePreprocessor.clip();
    FramePreprocessor sync = FramePreprocessor.synchformer();
    float[] c = new float[clip.floatsPerFrame()];
    float[] s = new float[sync.floatsPerFrame()];
    for (int i = 0; i < 50; i++) {
      clip.preprocess(frame, c, 0);
      sync.preprocess(frame, s, 0);
    }
    int n = 100;
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      clip.preprocess(frame, c, 0);
    }
    long t1 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      sync.preprocess(frame, s, 0);
    }
    long t2 = System.nanoTime();
    return new double[] {(t1 - t0) / 1e6 / n, (t2 - t1) / 1e6 / n};
  }

  private static void makeClip(Path clip) throws Exception {
    String size = "video/x-raw,width=1920,height=1080,framerate=30/1";
    TestFrames.run("gst-launch-1.0", "-q", "compositor", "name=m", "sink_1::alpha=0.3", "!",
        "video/x-raw,width=1920,height=1080", "!", "timeoverlay", "font-desc=Sans 60", "!",
        "videoconvert", "!", "video/x-raw,format=I420", "!", "x264enc", "speed-preset=veryfast",
        "bitrate=8000", "key-int-max=30", "option-string=scenecut=0", "!", "h264parse", "!",
        "mpegtsmux", "!", "filesink", "location=" + clip,
        "videotestsrc", "num-buffers=" + FRAMES, "pattern=smpte", "horizontal-speed=5", "!",
        size, "!", "m.", "videotestsrc", "num-buffers=" + FRAMES, "pattern=snow", "!", size,
        "!", "m.");
  }

  private static double processCpuSeconds() throws IOException {
    String[] f = Files.readString(Path.of("/proc/self/stat")).split("\\) ")[1].split(" ");
    return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
  }

  private static long peakRssKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return -1;
  }
}
