package io.foleystream.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.freedesktop.gstreamer.Buffer;
import org.freedesktop.gstreamer.Bus;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.elements.AppSrc;

/**
 * Test video whose every frame shows its own index as a block code, encoded by GStreamer at test
 * time with exactly the timestamps the test chooses.
 *
 * <p>Timestamps are given in 90 kHz ticks (the MPEG-TS clock), so the container stores them
 * exactly and the expected frame for every grid time can be computed with exact integers. The
 * code is 12 bits in a 4 x 3 grid of black/white blocks in the central part of the picture,
 * which survives the CLIP squash and the Synchformer centre crop.
 */
final class NumberedVideo {

  static final long TICKS_PER_SECOND = 90_000;
  private static final int COLUMNS = 4;
  private static final int ROWS = 3;
  private static final double LEFT = 0.3;
  private static final double TOP = 0.1;
  private static final double BLOCK_W = 0.1;
  private static final double BLOCK_H = 0.8 / ROWS;

  /** How to encode. */
  record Encoding(String encoder, String muxer, String extension) {
    static Encoding h264Ts(int keyInterval, int bFrames) {
      return new Encoding("x264enc speed-preset=ultrafast pass=quant quantizer=18 key-int-max="
          + keyInterval + " bframes=" + bFrames + " b-adapt=false option-string=scenecut=0"
          + " ! h264parse", "mpegtsmux", ".ts");
    }
  }

  private NumberedVideo() {}

  /** Frame times in ticks for a constant rate num/den over {@code frames} frames. */
  static long[] constantRate(int num, int den, int frames) {
    long[] ticks = new long[frames];
    for (int k = 0; k < frames; k++) {
      ticks[k] = k * TICKS_PER_SECOND * den / num;
      if (k * TICKS_PER_SECOND * den % num != 0) {
        throw new IllegalArgumentException(num + "/" + den + " fps is not whole 90 kHz ticks");
      }
    }
    return ticks;
  }

  /**
   * Encodes frames {@code 0 .. ticks.length - 1}, frame {@code k} at {@code ticks[k]}.
   *
   * @param framerate caps value such as {@code 30/1}, or {@code 0/1} for variable rate
   */
  static Path encode(Path dir, String name, int width, int height, String framerate,
      long[] ticks, Encoding encoding) throws Exception {
    GStreamerRuntime.ensureInitialized();
    Path out = dir.resolve(name + encoding.extension());
    Pipeline pipeline = (Pipeline) Gst.parseLaunch("appsrc name=src format=time block=true caps="
        + "video/x-raw,format=RGB,width=" + width + ",height=" + height + ",framerate="
        + framerate + " ! videoconvert ! video/x-raw,format=I420 ! " + encoding.encoder()
        + " ! " + encoding.muxer() + " ! filesink location=\"" + out + "\"");
    CountDownLatch done = new CountDownLatch(1);
    AtomicReference<String> error = new AtomicReference<>();
    pipeline.getBus().connect((Bus.EOS) src -> done.countDown());
    pipeline.getBus().connect((Bus.ERROR) (src, code, message) -> {
      error.set(message);
      done.countDown();
    });
    AppSrc src = (AppSrc) pipeline.getElementByName("src");
    pipeline.play();
    int stride = (width * 3 + 3) & ~3;
    byte[] rgb = new byte[stride * height];
    for (int k = 0; k < ticks.length; k++) {
      paint(rgb, width, height, stride, k);
      Buffer buffer = new Buffer(rgb.length);
      buffer.map(true).put(rgb);
      buffer.unmap();
      long pts = ticksToNs(ticks[k]);
      buffer.setPresentationTimestamp(pts);
      long next = k + 1 < ticks.length ? ticksToNs(ticks[k + 1])
          : pts + (k > 0 ? pts - ticksToNs(ticks[k - 1]) : 40_000_000L);
      buffer.setDuration(next - pts);
      src.pushBuffer(buffer);
    }
    src.endOfStream();
    boolean finished = done.await(120, TimeUnit.SECONDS);
    pipeline.stop();
    pipeline.dispose();
    if (!finished || error.get() != null) {
      throw new IllegalStateException("encoding " + name + " failed: " + error.get());
    }
    return out;
  }

  /** The smallest nanosecond time that a 90 kHz muxer truncates back to {@code ticks}. */
  static long ticksToNs(long ticks) {
    return -Math.floorDiv(-ticks * 100_000L, 9);
  }

  /** Paints a mid-grey frame with the block code of {@code number}. */
  static void paint(byte[] rgb, int width, int height, int stride, int number) {
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int bit = bitAt((x + 0.5) / width, (y + 0.5) / height);
        int v = bit < 0 ? 128 : ((number >> bit) & 1) * 255;
        int p = y * stride + 3 * x;
        rgb[p] = (byte) v;
        rgb[p + 1] = (byte) v;
        rgb[p + 2] = (byte) v;
      }
    }
  }

  /** Which bit the point at fractional position (fx, fy) shows, or -1 outside the code. */
  private static int bitAt(double fx, double fy) {
    int col = (int) Math.floor((fx - LEFT) / BLOCK_W);
    int row = (int) Math.floor((fy - TOP) / BLOCK_H);
    if (col < 0 || col >= COLUMNS || row < 0 || row >= ROWS) {
      return -1;
    }
    return row * COLUMNS + col;
  }

  /** Maps a fractional source position to a pixel of one preprocessed frame. */
  interface Placement {
    double x(double fx);

    double y(double fy);
  }

  /** Where the source lands in a CLIP frame (squashed to the square). */
  static Placement clip(int size) {
    return new Placement() {
      public double x(double fx) {
        return fx * size;
      }

      public double y(double fy) {
        return fy * size;
      }
    };
  }

  /** Where the source lands in a Synchformer frame (shorter side to size, centre crop). */
  static Placement sync(int width, int height, int size) {
    int outW = width <= height ? size : (int) ((long) size * width / height);
    int outH = width <= height ? (int) ((long) size * height / width) : size;
    double left = Math.rint((outW - size) / 2.0);
    double top = Math.rint((outH - size) / 2.0);
    return new Placement() {
      public double x(double fx) {
        return fx * outW - left;
      }

      public double y(double fy) {
        return fy * outH - top;
      }
    };
  }

  /**
   * Reads the frame number shown by frame {@code index} of a preprocessed tensor.
   *
   * @param threshold the tensor value halfway between black and white in the red channel
   */
  static int read(float[] tensor, int index, int size, Placement placement, float threshold) {
    int plane = size * size;
    int base = index * 3 * plane;
    int number = 0;
    for (int bit = 0; bit < COLUMNS * ROWS; bit++) {
      double fx = LEFT + (bit % COLUMNS + 0.5) * BLOCK_W;
      double fy = TOP + (bit / COLUMNS + 0.5) * BLOCK_H;
      int x = (int) placement.x(fx);
      int y = (int) placement.y(fy);
      float v = tensor[base + y * size + x];
      if (v > threshold) {
        number |= 1 << bit;
      }
    }
    return number;
  }

  static byte[] bytes(Path file) throws IOException {
    return Files.readAllBytes(file);
  }
}
