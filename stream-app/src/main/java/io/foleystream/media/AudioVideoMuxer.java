package io.foleystream.media;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.freedesktop.gstreamer.Bin;
import org.freedesktop.gstreamer.Buffer;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.elements.AppSrc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts generated audio beside the original video: MP4 or MPEG-TS out, AAC or Opus audio at
 * 48 kHz, the video copied without re-encoding when it is H.264 or H.265 (other codecs are
 * re-encoded to H.264).
 *
 * <p>Audio is placed by its stream time. The video's first frame (in decode order, its keyframe)
 * is at stream time {@code videoStartUs}; an audio sample at stream time {@code t} lands {@code t
 * - videoStartUs} after that frame in the output. To know where the first frame lands, the video
 * passes {@code identity single-segment=true}, which turns its timestamps into running time, and
 * a probe reads the first one before any audio is pushed. The audio track starts with the video:
 * silence fills the time before the first block and the gaps between blocks.
 *
 * <p>{@link #mux} writes a whole file; {@link #muxChunk} does the same for one video chunk of a
 * live stream and returns the result as a chunk with the same time range, keeping only the audio
 * inside that range.
 */
public final class AudioVideoMuxer {

  /** Output containers. */
  public enum Container {
    /** MP4 with the index at the front (faststart). */
    MP4("mp4mux faststart=true", "video_%u", "audio_%u", ContainerType.MP4),
    /** MPEG transport stream. */
    MPEG_TS("mpegtsmux", "sink_%d", "sink_%d", ContainerType.MPEG_TS);

    private final String muxer;
    private final String videoPad;
    private final String audioPad;
    private final ContainerType type;

    Container(String muxer, String videoPad, String audioPad, ContainerType type) {
      this.muxer = muxer;
      this.videoPad = videoPad;
      this.audioPad = audioPad;
      this.type = type;
    }
  }

  /** Audio codecs; both are encoded at 48 kHz. */
  public enum AudioCodec {
    /**
     * AAC-LC (FFmpeg's encoder), 192 kbit/s. The encoder primes its output with 1024 samples that
     * GStreamer's MP4 and MPEG-TS muxers do not signal, so decoders play them: the audio is fed
     * 1024 samples (21.3 ms) ahead to compensate, and the first 21.3 ms after the video's first
     * frame are lost to the priming. For per-chunk output this happens at every chunk, so prefer
     * Opus there.
     */
    AAC("avenc_aac bitrate=192000 ! aacparse", 1024),
    /** Opus, 128 kbit/s; its pre-skip is signalled in both containers, so nothing is lost. */
    OPUS("opusenc bitrate=128000 ! opusparse", 0);

    private final String encoder;
    private final long primingUs;

    AudioCodec(String encoder, int primingFrames) {
      this.encoder = encoder;
      this.primingUs = Math.round(primingFrames * 1e6 / OUTPUT_RATE);
    }
  }

  /** Output sample rate: what AAC and Opus in MP4 and MPEG-TS players expect. */
  public static final int OUTPUT_RATE = 48_000;

  private static final Logger LOG = LoggerFactory.getLogger(AudioVideoMuxer.class);
  private static final long FIRST_FRAME_TIMEOUT_MS = 30_000;
  private static final long TIMEOUT_MS = 600_000;

  private final Container container;
  private final AudioCodec codec;

  /**
   * Creates a muxer for one output format.
   *
   * @param container the output container
   * @param codec the audio codec
   */
  public AudioVideoMuxer(Container container, AudioCodec codec) {
    this.container = container;
    this.codec = codec;
  }

  /**
   * Muxes the video of {@code video} with {@code audio} into {@code out}.
   *
   * @param video a video file (any container and codec GStreamer reads)
   * @param videoStartUs stream time of the video's first frame
   * @param audio audio of one rate and channel count, in time order
   * @param out the output file
   * @throws MediaException if the video cannot be read or the output not written
   */
  public void mux(Path video, long videoStartUs, List<AudioBlock> audio, Path out)
      throws MediaException {
    if (!Files.isReadable(video)) {
      throw new MediaException(MediaException.Reason.IO, video + ": not a readable file");
    }
    run("filesrc location=\"" + quote(video.toAbsolutePath().toString()) + "\"", null,
        videoStartUs, audio, out, video.toString());
  }

  /**
   * Muxes one video chunk with the audio that falls inside its time range.
   *
   * @param chunk a video chunk
   * @param audio audio of one rate and channel count, in time order (blocks outside the chunk
   *     are ignored, blocks across its edges are cut)
   * @return a chunk in this muxer's container with the same time range
   * @throws MediaException if the chunk cannot be read, there is no audio in its range, or the
   *     output cannot be written
   */
  public MediaChunk muxChunk(MediaChunk chunk, List<AudioBlock> audio) throws MediaException {
    List<AudioBlock> inside = new ArrayList<>();
    for (AudioBlock block : audio) {
      AudioBlock cut = cut(block, chunk.startUs(), chunk.endUs());
      if (cut != null) {
        inside.add(cut);
      }
    }
    if (inside.isEmpty()) {
      throw new MediaException(MediaException.Reason.EMPTY, chunk + ": no audio in its range");
    }
    Path out = null;
    try {
      out = Files.createTempFile("foleystream-mux", ".tmp");
      run("appsrc name=video format=bytes caps=\"" + chunk.container().caps() + "\"",
          chunk.bytes(), chunk.startUs(), inside, out, chunk.toString());
      return new MediaChunk(Files.readAllBytes(out), container.type, chunk.startUs(),
          chunk.durationUs());
    } catch (IOException e) {
      throw new MediaException(MediaException.Reason.IO, chunk + ": " + e.getMessage(), e);
    } finally {
      if (out != null) {
        try {
          Files.deleteIfExists(out);
        } catch (IOException e) {
          LOG.warn("could not delete temporary file {}: {}", out, e.toString());
        }
      }
    }
  }

  private void run(String source, byte[] sourceBytes, long videoStartUs, List<AudioBlock> audio,
      Path out, String name) throws MediaException {
    AudioBlock format = AudioFeeder.uniformFormat(audio);
    GStreamerRuntime.ensureInitialized();
    Pipeline pipeline;
    try {
      pipeline = (Pipeline) Gst.parseLaunch(source + " ! parsebin name=demux "
          + container.muxer + " name=mux ! filesink location=\""
          + quote(out.toAbsolutePath().toString()) + "\""
          + " appsrc name=audio format=time block=true max-bytes=4000000 caps="
          + AudioFeeder.caps(format.sampleRate(), format.channels())
          + " ! audioconvert ! audioresample ! audio/x-raw,rate=" + OUTPUT_RATE
          + " ! audiorate skip-to-first=true ! " + codec.encoder + " name=encoded");
    } catch (RuntimeException e) {
      throw new MediaException(MediaException.Reason.GSTREAMER_UNAVAILABLE,
          "cannot build the muxing pipeline: " + e.getMessage(), e);
    }
    try {
      PipelineRun run = new PipelineRun(pipeline, "muxing " + name);
      // The video pad is requested first: the MPEG-TS muxer carries its clock (PCR) on the first
      // stream, and a clock on the audio, whose data comes later, hides the first video GOP.
      Element mux = pipeline.getElementByName("mux");
      Pad videoInput = mux.getRequestPad(container.videoPad);
      pipeline.getElementByName("encoded").getStaticPad("src")
          .link(mux.getRequestPad(container.audioPad));
      VideoBranch branch = new VideoBranch(pipeline, videoInput, run);
      pipeline.getElementByName("demux").connect((Element.PAD_ADDED) branch::attach);
      pipeline.play();
      if (sourceBytes != null) {
        AppSrc video = (AppSrc) pipeline.getElementByName("video");
        Buffer buffer = new Buffer(sourceBytes.length);
        buffer.map(true).put(sourceBytes);
        buffer.unmap();
        video.pushBuffer(buffer);
        video.endOfStream();
      }
      long firstFrameNs = branch.awaitFirstFrameNs(run);
      AudioFeeder.pushAll((AppSrc) pipeline.getElementByName("audio"),
          withLeadingSilence(audio, videoStartUs), videoStartUs + codec.primingUs, firstFrameNs);
      run.awaitEnd(TIMEOUT_MS);
    } finally {
      pipeline.stop();
      pipeline.dispose();
    }
  }

  /** Copies (or re-encodes) the first video stream into the muxer; other streams are dropped. */
  private static final class VideoBranch {
    private final Pipeline pipeline;
    private final Pad videoInput;
    private final PipelineRun run;
    private final CountDownLatch firstFrame = new CountDownLatch(1);
    private final AtomicLong firstFrameNs = new AtomicLong(-1);
    private volatile boolean linked;

    VideoBranch(Pipeline pipeline, Pad videoInput, PipelineRun run) {
      this.pipeline = pipeline;
      this.videoInput = videoInput;
      this.run = run;
    }

    void attach(Element demux, Pad pad) {
      Caps caps = pad.hasCurrentCaps() ? pad.getCurrentCaps() : pad.queryCaps(null);
      try {
        String name = caps == null ? "" : caps.getStructure(0).getName();
        boolean video = name.startsWith("video/") || name.startsWith("image/");
        String description;
        if (!video || linked) {
          description = "fakesink sync=false async=false";
        } else if (name.equals("video/x-h264")) {
          description = "identity name=retime single-segment=true ! h264parse";
        } else if (name.equals("video/x-h265")) {
          description = "identity name=retime single-segment=true ! h265parse";
        } else {
          description = "decodebin ! videoconvert ! identity name=retime single-segment=true"
              + " ! x264enc speed-preset=veryfast ! h264parse";
        }
        Bin bin = Gst.parseBinFromDescription(description, true);
        pipeline.add(bin);
        if (video && !linked) {
          linked = true;
          bin.getElementByName("retime").getStaticPad("src").addDataProbe(this::firstBuffer);
          bin.getStaticPad("src").link(videoInput);
        }
        bin.syncStateWithParent();
        pad.link(bin.getStaticPad("sink"));
      } catch (RuntimeException e) {
        run.fail(new MediaException(MediaException.Reason.UNSUPPORTED_CODEC,
            "cannot mux " + caps + ": " + e.getMessage(), e));
      } finally {
        if (caps != null) {
          caps.dispose();
        }
      }
    }

    private PadProbeReturn firstBuffer(Pad pad, Buffer buffer) {
      long pts = buffer.getPresentationTimestamp();
      if (pts >= 0 && firstFrameNs.compareAndSet(-1, pts)) {
        firstFrame.countDown();
      }
      return PadProbeReturn.OK;
    }

    long awaitFirstFrameNs(PipelineRun run) throws MediaException {
      try {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FIRST_FRAME_TIMEOUT_MS);
        while (!firstFrame.await(50, TimeUnit.MILLISECONDS)) {
          MediaException failure = run.failure();
          if (failure != null) {
            throw failure;
          }
          if (System.nanoTime() > deadline) {
            throw new MediaException(MediaException.Reason.NO_VIDEO,
                "no video frame within " + FIRST_FRAME_TIMEOUT_MS + " ms");
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new MediaException(MediaException.Reason.IO, "interrupted", e);
      }
      return firstFrameNs.get();
    }
  }

  /**
   * The audio preceded by silence from the video's first frame, so the audio track starts with
   * the video: muxers differ in whether (and how) they keep a track's late start (mp4mux drops
   * it), silence samples do not.
   */
  private static List<AudioBlock> withLeadingSilence(List<AudioBlock> audio, long videoStartUs) {
    AudioBlock first = audio.get(0);
    long frames = (first.ptsUs() - videoStartUs) * first.sampleRate() / 1_000_000L;
    if (frames <= 0) {
      return audio;
    }
    List<AudioBlock> out = new ArrayList<>(audio.size() + 1);
    out.add(new AudioBlock(first.ptsUs() - frames * 1_000_000L / first.sampleRate(),
        first.sampleRate(), first.channels(), new float[Math.toIntExact(frames) * first.channels()]));
    out.addAll(audio);
    return out;
  }

  /** The part of {@code block} inside {@code [fromUs, toUs)}, or null if none. */
  static AudioBlock cut(AudioBlock block, long fromUs, long toUs) {
    long rate = block.sampleRate();
    long first = Math.max(0, ceilDiv((fromUs - block.ptsUs()) * rate, 1_000_000L));
    long end = Math.min(block.frames(), ceilDiv((toUs - block.ptsUs()) * rate, 1_000_000L));
    if (end <= first) {
      return null;
    }
    float[] samples = new float[(int) (end - first) * block.channels()];
    System.arraycopy(block.samples(), (int) first * block.channels(), samples, 0,
        samples.length);
    return new AudioBlock(block.ptsUs() + first * 1_000_000L / rate, block.sampleRate(),
        block.channels(), samples);
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }

  private static String quote(String path) {
    return path.replace("\"", "\\\"");
  }
}
