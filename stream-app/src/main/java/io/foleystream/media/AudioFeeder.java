package io.foleystream.media;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.freedesktop.gstreamer.Buffer;
import org.freedesktop.gstreamer.FlowReturn;
import org.freedesktop.gstreamer.elements.AppSrc;

/** Pushes {@link AudioBlock}s into an appsrc as timestamped 32-bit float buffers. */
final class AudioFeeder {

  private static final int FRAMES_PER_BUFFER = 4096;

  private AudioFeeder() {}

  /** The appsrc caps for blocks of this rate and channel count. */
  static String caps(int sampleRate, int channels) {
    return "audio/x-raw,format=F32LE,layout=interleaved,rate=" + sampleRate + ",channels="
        + channels;
  }

  /**
   * Checks that all blocks share one rate and channel count.
   *
   * @return the first block, whose format the others match
   */
  static AudioBlock uniformFormat(List<AudioBlock> blocks) {
    if (blocks.isEmpty()) {
      throw new IllegalArgumentException("no audio to write");
    }
    AudioBlock first = blocks.get(0);
    for (AudioBlock b : blocks) {
      if (b.sampleRate() != first.sampleRate() || b.channels() != first.channels()) {
        throw new IllegalArgumentException("audio blocks differ in format: " + first.sampleRate()
            + " Hz x " + first.channels() + " vs " + b.sampleRate() + " Hz x " + b.channels());
      }
    }
    return first;
  }

  /**
   * Pushes the blocks, block {@code b} at running time {@code (b.ptsUs() - zeroUs) * 1000 +
   * offsetNs}, then ends the stream. Blocks starting before {@code zeroUs} lose their head.
   *
   * @return false if the pipeline stopped taking data (it then reports why on its bus)
   */
  static boolean pushAll(AppSrc src, List<AudioBlock> blocks, long zeroUs, long offsetNs) {
    for (AudioBlock block : blocks) {
      if (!push(src, block, zeroUs, offsetNs)) {
        return false;
      }
    }
    return src.endOfStream() == FlowReturn.OK;
  }

  private static boolean push(AppSrc src, AudioBlock block, long zeroUs, long offsetNs) {
    int channels = block.channels();
    long rate = block.sampleRate();
    long startFrame = 0;
    if (block.ptsUs() < zeroUs) {
      long skipped = -Math.floorDiv(-(zeroUs - block.ptsUs()) * rate, 1_000_000L);
      startFrame = Math.min(block.frames(), skipped);
    }
    long blockStartNs = (block.ptsUs() - zeroUs) * 1000 + offsetNs;
    for (long f = startFrame; f < block.frames(); f += FRAMES_PER_BUFFER) {
      int n = (int) Math.min(FRAMES_PER_BUFFER, block.frames() - f);
      Buffer buffer = new Buffer(n * channels * 4);
      ByteBuffer bytes = buffer.map(true).order(ByteOrder.LITTLE_ENDIAN);
      bytes.asFloatBuffer().put(block.samples(), (int) f * channels, n * channels);
      buffer.unmap();
      long pts = blockStartNs + f * 1_000_000_000L / rate;
      buffer.setPresentationTimestamp(pts);
      buffer.setDuration(blockStartNs + (f + n) * 1_000_000_000L / rate - pts);
      if (src.pushBuffer(buffer) != FlowReturn.OK) {
        return false;
      }
    }
    return true;
  }
}
