package io.foleystream.media;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Decode + sample + preprocess of 8 s of 1080p30 H.264, next to gst-launch-1.0 decoding and
 * scaling the same clip alone. Run by {@code stream-app/scripts/bench-media.sh}; prints a
 * Markdown table. Not a test: speed is reported, never asserted.
 *
 * <p>The process starts as the service does (GStreamer's plugins loaded, the preprocessing
 * compiled by {@link PreprocessingWarmUp}); the first windows after that still pay the JIT for
 * the rest of the path, so they are reported on their own line, and the table is measured after
 * them: the cost of every later window of a running service, which is what sizes a host.
 */
public final class MediaBenchmark {

  private static final int DEFAULT_RUNS = 5;
  private static final long WINDOW_US = 8_000_000;
  private static final int FRAMES = 240;
  /** Windows reported as a fresh process's first ones, before the table's runs. */
  private static final int FIRST_WINDOWS = 6;
  /** As many frames per branch as the service's start-up warm-up compiles with. */
  private static final int START_UP_WARM_UP_FRAMES = 8;

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

    ChunkDecoder.warmUp();
    PreprocessingWarmUp.run(START_UP_WARM_UP_FRAMES);
    List<Timing> first = new ArrayList<>();
    ThreadCpu firstSplit = new ThreadCpu();
    List<Timing> chunked = new ArrayList<>();
    ThreadCpu chunkedSplit = new ThreadCpu();
    List<Timing> file = new ArrayList<>();
    List<Timing> chunkedStream = new ArrayList<>();
    List<Timing> gstScale = new ArrayList<>();
    List<Timing> gstRgb = new ArrayList<>();
    List<Timing> gstDecode = new ArrayList<>();
    List<Timing> gstDecodeOneThread = new ArrayList<>();
    try (WindowFrameExtractor extractor = new WindowFrameExtractor(DecoderSettings.defaults());
        WindowFrameExtractor streamColour = new WindowFrameExtractor(
            DecoderSettings.defaults().withColour(ColourConversion.STREAM))) {
      for (int w = 0; w < FIRST_WINDOWS; w++) {
        if (w == 0) {
          firstSplit.start();
        }
        first.add(timeOurs(() -> check(extractor.extract(chunks, 0, WINDOW_US))));
        if (w == 0) {
          firstSplit.stop();
        }
      }
      for (int w = 0; w < 2; w++) {
        extractor.extract(clip, 0, WINDOW_US);
        streamColour.extract(chunks, 0, WINDOW_US);
      }
      for (int r = 0; r < runs; r++) {
        chunkedSplit.start();
        chunked.add(timeOurs(() -> check(extractor.extract(chunks, 0, WINDOW_US))));
        chunkedSplit.stop();
        file.add(timeOurs(() -> check(extractor.extract(clip, 0, WINDOW_US))));
        chunkedStream.add(timeOurs(() -> check(streamColour.extract(chunks, 0, WINDOW_US))));
        gstScale.add(timeGst(clip, "videoscale method=catrom ! videoconvert"
            + " ! video/x-raw,format=RGB,width=384,height=384,pixel-aspect-ratio=1/1"));
        gstRgb.add(timeGst(clip, "videoconvert ! video/x-raw,format=RGB"));
        gstDecode.add(timeGst(clip, "identity"));
        gstDecodeOneThread.add(timeGst(clip.toString(), "avdec_h264 max-threads=1", "identity"));
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
    row("gst-launch-1.0: decode only", gstDecode);
    row("gst-launch-1.0: decode only, one decoder thread (`max-threads=1`)", gstDecodeOneThread);
    System.out.printf("%nRatio ours/theirs (medians): chunks vs decode+scale %.2f wall, %.2f CPU;"
        + " file vs decode+scale %.2f wall, %.2f CPU%n",
        median(chunked, true) / median(gstScale, true),
        median(chunked, false) / median(gstScale, false),
        median(file, true) / median(gstScale, true), median(file, false) / median(gstScale, false));
    System.out.printf("CPU of the 4-chunk row by thread, s per window (mean of %d runs): %s%n", runs,
        chunkedSplit.summary(runs));
    StringBuilder firstCpu = new StringBuilder();
    StringBuilder firstWall = new StringBuilder();
    for (Timing t : first) {
      firstCpu.append(firstCpu.length() == 0 ? "" : ", ").append(String.format("%.2f", t.cpu()));
      firstWall.append(firstWall.length() == 0 ? "" : ", ")
          .append(String.format("%.2f", t.wall()));
    }
    System.out.printf("The first %d windows of the process (4 chunks each, after the service's"
        + " start-up warm-up, before the table's runs): CPU s %s; wall s %s; the first by"
        + " thread: %s%n", FIRST_WINDOWS, firstCpu, firstWall, firstSplit.summary(1));
    System.out.printf("Preprocessing one 1080p frame, thread CPU time, best of 20 rounds: from"
        + " I420 (the default) CLIP %.2f ms, Synchformer %.2f ms; from RGB"
        + " (`media.colour=stream`) CLIP %.2f ms, Synchformer %.2f ms%n", perFrame[0],
        perFrame[1], perFrame[2], perFrame[3]);
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
    return timeGst(clip.toString(), "avdec_h264", tail);
  }

  private static Timing timeGst(String clip, String decoder, String tail) throws Exception {
    String pipeline = "filesrc location=" + clip + " ! tsdemux ! h264parse ! " + decoder + " ! "
        + tail + " ! fakesink";
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

  /**
   * Thread CPU milliseconds per 1080p frame for the CLIP and Synchformer transforms, from I420
   * and from RGB.
   */
  private static double[] preprocessMillis() throws Exception {
    Path dir = Files.createTempDirectory("bench");
    I420Frame yuv = TestFrames.busyI420Frame(dir, 1920, 1080);
    RgbFrame rgb = TestFrames.busyFrame(dir, 1920, 1080);
    I420Rows rows = new I420Rows();
    FramePreprocessor clip = FramePreprocessor.clip();
    FramePreprocessor sync = FramePreprocessor.synchformer();
    float[] c = new float[clip.floatsPerFrame()];
    float[] s = new float[sync.floatsPerFrame()];
    List<Work> transforms = List.of(() -> clip.preprocess(rows.of(yuv), c, 0),
        () -> sync.preprocess(rows.of(yuv), s, 0), () -> clip.preprocess(rgb, c, 0),
        () -> sync.preprocess(rgb, s, 0));
    double[] best = new double[transforms.size()];
    Arrays.fill(best, Double.MAX_VALUE);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    int perRound = 10;
    for (int round = 0; round < 20; round++) {
      for (int t = 0; t < best.length; t++) {
        long t0 = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < perRound; i++) {
          transforms.get(t).run();
        }
        best[t] = Math.min(best[t], (threads.getCurrentThreadCpuTime() - t0) / 1e6 / perRound);
      }
    }
    return best;
  }

  /**
   * CPU time of the process's threads over measured intervals, by kind: the thread that pulls
   * and preprocesses frames (the caller), the JIT compilers, the garbage collector, and
   * GStreamer's threads (demuxing, parsing, decoding), counting those that ended during an
   * interval (a decoder's worker threads end with each chunk) as GStreamer's.
   */
  private static final class ThreadCpu {
    private final Map<String, Double> seconds = new LinkedHashMap<>();
    private Map<String, Long> before;
    private double processBefore;
    private final String self;

    ThreadCpu() throws IOException {
      self = Path.of("/proc/thread-self").toRealPath().getFileName().toString();
      for (String kind : List.of("preprocessing thread", "GStreamer threads", "JIT", "GC",
          "other")) {
        seconds.put(kind, 0.0);
      }
    }

    void start() throws IOException {
      processBefore = processCpuSeconds();
      before = ticksByThread();
    }

    void stop() throws IOException {
      Map<String, Long> after = ticksByThread();
      double accounted = 0;
      for (Map.Entry<String, Long> e : after.entrySet()) {
        double s = (e.getValue() - before.getOrDefault(e.getKey(), 0L)) / 100.0;
        accounted += s;
        seconds.merge(kind(e.getKey()), s, Double::sum);
      }
      seconds.merge("GStreamer threads", processCpuSeconds() - processBefore - accounted,
          Double::sum);
    }

    private String kind(String thread) {
      String tid = thread.substring(0, thread.indexOf(' '));
      String name = thread.substring(thread.indexOf(' ') + 1);
      if (tid.equals(self)) {
        return "preprocessing thread";
      }
      if (name.contains("CompilerThre")) {
        return "JIT";
      }
      if (name.startsWith("GC ") || name.startsWith("G1 ")) {
        return "GC";
      }
      return JAVA_THREADS.matcher(name).lookingAt() ? "other" : "GStreamer threads";
    }

    String summary(int runs) {
      StringBuilder out = new StringBuilder();
      seconds.forEach((kind, s) -> out.append(out.length() == 0 ? "" : ", ")
          .append(String.format("%s %.2f", kind, s / runs)));
      return out.toString();
    }

    /** CPU ticks of every live thread, keyed by thread id and name. */
    private static Map<String, Long> ticksByThread() throws IOException {
      Map<String, Long> ticks = new HashMap<>();
      try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
        for (Path task : tasks) {
          String stat;
          try {
            stat = Files.readString(task.resolve("stat"));
          } catch (IOException ended) {
            continue;
          }
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks.put(task.getFileName() + " " + name,
              Long.parseLong(f[11]) + Long.parseLong(f[12]));
        }
      }
      return ticks;
    }
  }

  /** Names of the JVM's own threads and of this project's Java threads. */
  private static final Pattern JAVA_THREADS = Pattern.compile("VM |Signal|Finalizer|Reference"
      + "|Common-Cleaner|Sweeper|Service Thread|Notification|Monitor|JFR|NativeObject|pool-"
      + "|Attach|process reaper|GStreamer|gstreamer servi|java|Thread-");

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
