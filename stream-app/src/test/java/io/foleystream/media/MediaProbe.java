package io.foleystream.media;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.freedesktop.gstreamer.Bin;
import org.freedesktop.gstreamer.Buffer;
import org.freedesktop.gstreamer.Bus;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.Sample;
import org.freedesktop.gstreamer.Structure;
import org.freedesktop.gstreamer.elements.AppSink;

/** Reads a media file back with GStreamer: the decoded audio and where audio and video start. */
final class MediaProbe {

  /**
   * What a file holds.
   *
   * @param sampleRate decoded audio rate (the stream's own rate)
   * @param channels audio channels
   * @param samples all decoded audio, interleaved
   * @param firstAudioNs running time of the first audio sample
   * @param firstVideoNs running time of the first video frame, or -1 without video
   */
  record Content(int sampleRate, int channels, float[] samples, long firstAudioNs,
      long firstVideoNs) {
    double durationSeconds() {
      return (double) samples.length / channels / sampleRate;
    }

    /** Seconds from the first video frame to the first sample louder than {@code level}. */
    double onsetAfterVideo(float level) {
      for (int i = 0; i < samples.length; i++) {
        if (Math.abs(samples[i]) > level) {
          double t = (double) (i / channels) / sampleRate;
          return (firstAudioNs - firstVideoNs) / 1e9 + t;
        }
      }
      return Double.NaN;
    }
  }

  private MediaProbe() {}

  static Content read(Path file) throws Exception {
    GStreamerRuntime.ensureInitialized();
    Pipeline pipeline = (Pipeline) Gst.parseLaunch("filesrc location=\"" + file
        + "\" ! decodebin name=dec appsink name=audio sync=false max-buffers=0"
        + " caps=audio/x-raw,format=F32LE,layout=interleaved");
    AppSink audio = (AppSink) pipeline.getElementByName("audio");
    AtomicLong firstVideo = new AtomicLong(-1);
    AtomicReference<String> error = new AtomicReference<>();
    pipeline.getBus().connect((Bus.ERROR) (src, code, message) -> error.set(message));
    pipeline.getElementByName("dec").connect((Element.PAD_ADDED) (dec, pad) -> {
      Caps caps = pad.getCurrentCaps();
      String name = caps.getStructure(0).getName();
      Bin bin = Gst.parseBinFromDescription(name.startsWith("audio")
          ? "audioconvert ! audioresample" : "fakesink sync=false", true);
      pipeline.add(bin);
      if (name.startsWith("audio")) {
        bin.link(audio);
      } else {
        pad.addDataProbe((Pad p, Buffer b) -> {
          firstVideo.compareAndSet(-1, b.getPresentationTimestamp());
          return PadProbeReturn.OK;
        });
      }
      bin.syncStateWithParent();
      pad.link(bin.getStaticPad("sink"));
    });
    pipeline.play();
    FloatBuffer collected = FloatBuffer.allocate(48_000 * 2 * 60);
    int rate = 0;
    int channels = 0;
    long firstAudio = -1;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!audio.isEOS() && error.get() == null && System.nanoTime() < deadline) {
      Sample sample = audio.emit(Sample.class, "try-pull-sample", 50_000_000L);
      if (sample == null) {
        continue;
      }
      Structure s = sample.getCaps().getStructure(0);
      rate = s.getInteger("rate");
      channels = s.getInteger("channels");
      Buffer buffer = sample.getBuffer();
      if (firstAudio < 0) {
        firstAudio = buffer.getPresentationTimestamp();
      }
      collected.put(buffer.map(false).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer());
      buffer.unmap();
      sample.dispose();
    }
    pipeline.stop();
    pipeline.dispose();
    if (error.get() != null) {
      throw new IllegalStateException(file + ": " + error.get());
    }
    float[] samples = new float[collected.position()];
    collected.flip().get(samples);
    return new Content(rate, channels, samples, firstAudio, firstVideo.get());
  }
}
