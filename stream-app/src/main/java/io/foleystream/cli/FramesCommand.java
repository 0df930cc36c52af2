package io.foleystream.cli;

import io.foleystream.media.ColourConversion;
import io.foleystream.media.DecoderSettings;
import io.foleystream.media.GridRule;
import io.foleystream.media.MediaException;
import io.foleystream.media.SampledFrames;
import io.foleystream.media.WindowFrameExtractor;
import io.foleystream.media.WindowFrames;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Writes the model's video input for one window of a file, to check frame sampling and sync
 * against any other decoder.
 */
@Command(
    name = "frames",
    mixinStandardHelpOptions = true,
    description = {
        "Sample and preprocess one window of a video file exactly as the pipeline does, and write"
            + " the model inputs as NumPy files:",
        "  clip.npy       float32 [8*D, 3, 384, 384]  CLIP frames at 8 fps, mean/std normalised",
        "  sync.npy       float32 [25*D, 3, 224, 224] Synchformer frames at 25 fps, in [-1, 1]",
        "  clip_pts.npy   int64 [8*D]   source frame time (us) used for each CLIP grid point",
        "  sync_pts.npy   int64 [25*D]  source frame time (us) used for each Synchformer point",
        "Grid point i of rate f is at START + i/f; it uses the first frame at or after it (and"
            + " not after START + D). Times count from the file's first frame. A point with no"
            + " such frame (the file ends) has time -9223372036854775808 and repeats the last"
            + " frame."},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:the window was written", "1:the video could not be read or decoded",
        "2:bad arguments"})
final class FramesCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--video", required = true, paramLabel = "FILE",
      description = "Video file (any container and codec GStreamer reads).")
  Path video;

  @Option(names = "--start", defaultValue = "0", paramLabel = "SECONDS",
      description = "Window start after the first frame (default: ${DEFAULT-VALUE}).")
  BigDecimal start;

  @Option(names = "--duration", defaultValue = "8", paramLabel = "SECONDS",
      description = "Window duration (default: ${DEFAULT-VALUE}, what the models take).")
  BigDecimal duration;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "Output directory (created if missing).")
  Path out;

  @Option(names = "--colour", defaultValue = "OFFICIAL", paramLabel = "OFFICIAL|STREAM",
      description = "YUV to RGB as swscale's default (OFFICIAL) or following the stream's"
          + " colorimetry (STREAM); foleystream.media.colour (default: ${DEFAULT-VALUE}).")
  ColourConversion colour;

  @Option(names = "--grid", defaultValue = "EXACT", paramLabel = "EXACT|OFFICIAL",
      description = "Exact grid times or the official sampler's float64 accumulator;"
          + " foleystream.media.grid (default: ${DEFAULT-VALUE}).")
  GridRule grid;

  @Override
  public Integer call() throws IOException, MediaException {
    PrintWriter stdout = spec.commandLine().getOut();
    long startUs;
    long durationUs;
    try {
      startUs = start.movePointRight(6).longValueExact();
      durationUs = duration.movePointRight(6).longValueExact();
    } catch (ArithmeticException e) {
      throw new UsageException("--start and --duration must be whole microseconds");
    }
    if (startUs < 0 || durationUs < 125_000) {
      throw new UsageException("--start must be >= 0 and --duration at least 0.125 s");
    }
    Preflight.inputFile(video, "--video");
    Preflight.outputDirectory(out, "--out");
    WindowFrames window;
    try (WindowFrameExtractor extractor = new WindowFrameExtractor(
        DecoderSettings.defaults().withColour(colour).withGrid(grid))) {
      window = extractor.extract(video, startUs, durationUs);
    }
    window.clip().toNpy().write(out.resolve("clip.npy"));
    window.sync().toNpy().write(out.resolve("sync.npy"));
    window.clip().sourcePtsNpy().write(out.resolve("clip_pts.npy"));
    window.sync().sourcePtsNpy().write(out.resolve("sync_pts.npy"));
    report(stdout, "CLIP", window.clip());
    report(stdout, "Synchformer", window.sync());
    stdout.println("wrote clip.npy, sync.npy, clip_pts.npy, sync_pts.npy to " + out);
    return 0;
  }

  private static void report(PrintWriter out, String name, SampledFrames frames) {
    out.printf("%s: %d of %d grid points have a frame%s%n", name, frames.covered(),
        frames.count(), frames.complete() ? "" : " (the video ends before the window does)");
  }
}
