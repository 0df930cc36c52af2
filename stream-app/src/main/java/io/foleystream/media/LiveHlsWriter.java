package io.foleystream.media;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.freedesktop.gstreamer.Bin;
import org.freedesktop.gstreamer.Buffer;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.FlowReturn;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.elements.AppSrc;

/**
 * Writes a live HLS output (MPEG-TS segments and a rolling media playlist, GStreamer's {@code
 * hlssink2}) from consecutive video chunks and, for each, the generated audio of its time range.
 *
 * <p>The video is copied (H.264 or H.265, as the segmenter makes it), never re-encoded: the
 * chunks' MPEG-TS bytes are concatenated into one demuxer, so the video keeps its own timestamps
 * and the segmenter inside {@code hlssink2} cuts segments on its keyframes. The audio is encoded to
 * AAC-LC at 48 kHz stereo. Its timestamps are counted in samples from the first chunk's start (see
 * {@link AudioTimeline}), placed relative to the video's first frame as {@link AudioVideoMuxer}
 * places them, so the two stay together for as long as the stream runs. Unlike the file muxer,
 * the audio is not fed ahead to cover the AAC encoder's priming (1024 samples): a live output
 * cannot start its audio before its first video frame, so the generated audio plays 21.3 ms late,
 * less than one AAC frame, throughout.
 *
 * <p>When {@link HlsSettings#originalAudioGain()} is set and the chunks carry an audio stream (AAC,
 * MP3, Opus or AC-3), that audio is decoded, scaled by the gain and mixed under the generated
 * audio.
 *
 * <p>A segment is written once the next keyframe arrives, so the playlist trails the last chunk
 * written by one segment; {@link #close()} writes the last one and ends the playlist. Not
 * thread-safe: one thread writes.
 */
public final class LiveHlsWriter implements AutoCloseable {

  private static final long FIRST_FRAME_TIMEOUT_MS = 30_000;
  private static final long CLOSE_TIMEOUT_MS = 60_000;
  private static final int FRAMES_PER_BUFFER = 4096;
  /** What the mixer and the encoder take: both audio inputs are converted to it. */
  private static final String MIX_CAPS = "audio/x-raw,format=F32LE,layout=interleaved,rate="
      + AudioVideoMuxer.OUTPUT_RATE + ",channels=2";

  private final Pipeline pipeline;
  private final PipelineRun run;
  private final AppSrc video;
  private final AppSrc audio;
  private final VideoBranch branch;
  private String audioCaps;
  private boolean closed;

  /**
   * Starts the output pipeline; nothing is written before the first chunk.
   *
   * @param settings the output's directory, segment length and playlist
   * @throws MediaException if the directory cannot be made or GStreamer lacks an element
   */
  public LiveHlsWriter(HlsSettings settings) throws MediaException {
    try {
      Files.createDirectories(settings.directory());
    } catch (IOException e) {
      throw new MediaException(MediaException.Reason.IO, settings.directory()
          + ": cannot create the HLS directory: " + e.getMessage(), e);
    }
    GStreamerRuntime.ensureInitialized();
    String dir = settings.directory().toAbsolutePath().toString().replace("\"", "\\\"");
    boolean mix = settings.originalAudioGain() != null;
    try {
      pipeline = (Pipeline) Gst.parseLaunch("appsrc name=video format=bytes max-bytes=0 caps=\""
          + ContainerType.MPEG_TS.caps() + "\" ! parsebin name=demux"
          + " hlssink2 name=hls location=\"" + dir + "/segment%05d.ts\""
          + " playlist-location=\"" + dir + "/" + HlsSettings.PLAYLIST + "\""
          + " target-duration=" + settings.targetSegmentSeconds()
          + " playlist-length=" + settings.playlistLength()
          + " max-files=" + settings.keptSegments() + " send-keyframe-requests=false"
          + " appsrc name=audio format=time max-bytes=0"
          + " caps=" + AudioFeeder.caps(AudioTimeline.FALLBACK_RATE, 1)
          + " ! audioconvert ! audioresample ! " + MIX_CAPS + " ! "
          + (mix ? "audiomixer name=mixer ! audioconvert ! " : "")
          + "avenc_aac bitrate=192000 ! aacparse ! queue ! hls.audio");
    } catch (RuntimeException e) {
      throw new MediaException(MediaException.Reason.GSTREAMER_UNAVAILABLE,
          "cannot build the HLS pipeline (hlssink2, avenc_aac): " + e.getMessage(), e);
    }
    run = new PipelineRun(pipeline, "live HLS output to " + settings.directory());
    video = (AppSrc) pipeline.getElementByName("video");
    audio = (AppSrc) pipeline.getElementByName("audio");
    audioCaps = AudioFeeder.caps(AudioTimeline.FALLBACK_RATE, 1);
    branch = new VideoBranch(pipeline, run, settings.originalAudioGain());
    pipeline.getElementByName("demux").connect((Element.PAD_ADDED) branch::attach);
    pipeline.play();
  }

  /**
   * Writes one video chunk and the audio of its time range.
   *
   * @param chunk the next MPEG-TS video chunk; chunks follow each other on the stream timeline
   * @param span the audio of exactly the chunk's range, as {@link AudioTimeline#take} cuts it
   * @throws MediaException if the chunk is not MPEG-TS, or the pipeline failed
   */
  public void write(MediaChunk chunk, AudioTimeline.Span span) throws MediaException {
    if (closed) {
      throw new IllegalStateException("the HLS output is closed");
    }
    if (chunk.container() != ContainerType.MPEG_TS) {
      throw new MediaException(MediaException.Reason.UNSUPPORTED_CONTAINER,
          chunk + ": live HLS output takes MPEG-TS chunks");
    }
    failIfFailed();
    Buffer buffer = new Buffer(chunk.bytes().length);
    buffer.map(true).put(chunk.bytes());
    buffer.unmap();
    if (video.pushBuffer(buffer) != FlowReturn.OK) {
      throw failure("the video input stopped taking data");
    }
    long firstFrameNs = branch.awaitFirstFrameNs();
    pushAudio(span, firstFrameNs);
    failIfFailed();
  }

  private void pushAudio(AudioTimeline.Span span, long firstFrameNs) throws MediaException {
    AudioBlock block = span.audio();
    String caps = AudioFeeder.caps(block.sampleRate(), block.channels());
    if (!caps.equals(audioCaps)) {
      // The audio's format becomes known with its first block; audioconvert and audioresample
      // renegotiate, the encoder keeps its 48 kHz stereo.
      audio.setCaps(Caps.fromString(caps));
      audioCaps = caps;
    }
    long rate = block.sampleRate();
    int channels = block.channels();
    for (long f = 0; f < block.frames(); f += FRAMES_PER_BUFFER) {
      int n = (int) Math.min(FRAMES_PER_BUFFER, block.frames() - f);
      long startNs = timeNs(span.firstFrame() + f, rate, firstFrameNs);
      long endNs = timeNs(span.firstFrame() + f + n, rate, firstFrameNs);
      Buffer buffer = new Buffer(n * channels * 4);
      ByteBuffer bytes = buffer.map(true).order(ByteOrder.LITTLE_ENDIAN);
      bytes.asFloatBuffer().put(block.samples(), (int) f * channels, n * channels);
      buffer.unmap();
      buffer.setPresentationTimestamp(startNs);
      buffer.setDuration(endNs - startNs);
      if (audio.pushBuffer(buffer) != FlowReturn.OK) {
        throw failure("the audio input stopped taking data");
      }
    }
  }

  private static long timeNs(long frame, long rate, long firstFrameNs) {
    return firstFrameNs + Math.floorDiv(frame * 1_000_000_000L, rate);
  }

  /**
   * Writes the last segment and ends the playlist ({@code #EXT-X-ENDLIST}).
   *
   * @throws MediaException if the pipeline failed
   */
  @Override
  public void close() throws MediaException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      video.endOfStream();
      audio.endOfStream();
      run.awaitEnd(CLOSE_TIMEOUT_MS);
    } finally {
      pipeline.stop();
      pipeline.dispose();
    }
  }

  private void failIfFailed() throws MediaException {
    MediaException error = run.failure();
    if (error != null) {
      throw error;
    }
  }

  private MediaException failure(String what) {
    MediaException error = run.failure();
    return error != null ? error : new MediaException(MediaException.Reason.IO, what);
  }

  /**
   * Links the chunks' first video stream to the HLS sink, and their first audio stream to the
   * mixer when the original audio is kept; other streams are dropped.
   */
  private static final class VideoBranch {
    private final Pipeline pipeline;
    private final PipelineRun run;
    private final Double originalGain;
    private final CountDownLatch firstFrame = new CountDownLatch(1);
    private final AtomicLong firstFrameNs = new AtomicLong(-1);
    private volatile boolean videoLinked;
    private volatile boolean audioLinked;

    VideoBranch(Pipeline pipeline, PipelineRun run, Double originalGain) {
      this.pipeline = pipeline;
      this.run = run;
      this.originalGain = originalGain;
    }

    void attach(Element demux, Pad pad) {
      Caps caps = pad.hasCurrentCaps() ? pad.getCurrentCaps() : pad.queryCaps(null);
      try {
        String name = caps == null ? "" : caps.getStructure(0).getName();
        Pad target = null;
        String description;
        if (!videoLinked && (name.equals("video/x-h264") || name.equals("video/x-h265"))) {
          videoLinked = true;
          description = "identity name=retime single-segment=true ! "
              + (name.endsWith("h264") ? "h264parse" : "h265parse") + " ! queue";
          target = pipeline.getElementByName("hls").getRequestPad("video");
        } else if (name.startsWith("video/") && !videoLinked) {
          run.fail(new MediaException(MediaException.Reason.UNSUPPORTED_CODEC,
              "live HLS output copies H.264 or H.265 video, the chunks carry " + name));
          description = "fakesink sync=false async=false";
        } else if (name.startsWith("audio/") && originalGain != null && !audioLinked
            && decoder(caps) != null) {
          audioLinked = true;
          description = "identity single-segment=true ! " + decoder(caps)
              + " ! audioconvert ! audioresample"
              + " ! volume volume=" + originalGain + " ! audioconvert ! " + MIX_CAPS + " ! queue";
          target = pipeline.getElementByName("mixer").getRequestPad("sink_%u");
        } else {
          description = "fakesink sync=false async=false";
        }
        Bin bin = Gst.parseBinFromDescription(description, true);
        pipeline.add(bin);
        if (target != null) {
          Element retime = bin.getElementByName("retime");
          if (retime != null) {
            retime.getStaticPad("src").addDataProbe(this::firstBuffer);
          }
          bin.getStaticPad("src").link(target);
        }
        bin.syncStateWithParent();
        pad.link(bin.getStaticPad("sink"));
      } catch (RuntimeException e) {
        run.fail(new MediaException(MediaException.Reason.UNSUPPORTED_CODEC,
            "cannot write " + caps + " to HLS: " + e.getMessage(), e));
      } finally {
        if (caps != null) {
          caps.dispose();
        }
      }
    }

    /**
     * The decoder of a parsed audio stream, or null. Named rather than left to decodebin: a bin
     * holding decodebin's sometimes-pad would ghost the wrong sink pad.
     */
    private static String decoder(Caps caps) {
      String name = caps.getStructure(0).getName();
      return switch (name) {
        case "audio/mpeg" -> caps.toString().contains("mpegversion=(int)1") ? "avdec_mp3"
            : "avdec_aac";
        case "audio/x-opus" -> "opusdec";
        case "audio/x-ac3", "audio/ac3" -> "avdec_ac3";
        default -> null;
      };
    }

    private PadProbeReturn firstBuffer(Pad pad, Buffer buffer) {
      long pts = buffer.getPresentationTimestamp();
      if (pts >= 0 && firstFrameNs.compareAndSet(-1, pts)) {
        firstFrame.countDown();
      }
      return PadProbeReturn.OK;
    }

    long awaitFirstFrameNs() throws MediaException {
      try {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FIRST_FRAME_TIMEOUT_MS);
        while (!firstFrame.await(20, TimeUnit.MILLISECONDS)) {
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
}
