package io.foleystream.media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.Stream;
import org.freedesktop.gstreamer.Bin;
import org.freedesktop.gstreamer.Buffer;
import org.freedesktop.gstreamer.Bus;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.Structure;
import org.freedesktop.gstreamer.event.EOSEvent;
import org.freedesktop.gstreamer.message.Message;
import org.freedesktop.gstreamer.message.MessageType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer side: cuts a video source into self-contained MPEG-TS chunks of about N seconds,
 * each starting with a keyframe and its own stream headers, and hands them over with their time
 * range on the stream timeline.
 *
 * <p>Built on GStreamer's {@code splitmuxsink} (MPEG-TS muxer), which cuts at the first keyframe
 * after the target duration and reports each fragment's start and end running time; those become
 * the chunk's {@link MediaChunk#startUs()} and duration, so the stream timeline is the source's
 * running time (time since its first frame for files). H.264 and H.265 are copied unless {@link
 * SegmenterSettings.Reencode#ALWAYS} is set; other codecs and raw sources are encoded with x264,
 * and the segmenter then requests a keyframe at every chunk boundary. Audio is dropped: the
 * generated Foley track replaces it downstream.
 *
 * <p>{@link #run} blocks on the calling thread until the source ends or {@link #stop} is called
 * from another thread; chunks are delivered on the calling thread, in order. Fragments pass
 * through a private temporary directory and are deleted once read. One segmenter runs one source
 * at a time.
 */
public final class ChunkSegmenter {

  /** Receives the chunks of a running segmenter. */
  @FunctionalInterface
  public interface ChunkListener {
    /**
     * Takes one chunk.
     *
     * @param chunk the next chunk, in stream order
     * @throws MediaException to abort segmenting
     */
    void onChunk(MediaChunk chunk) throws MediaException;
  }

  private sealed interface Event {}

  private record FragmentOpened(long runningTimeNs) implements Event {}

  private record FragmentClosed(String location, long runningTimeNs) implements Event {}

  private record EndOfStream() implements Event {}

  private record Failure(MediaException error) implements Event {}

  private static final Logger LOG = LoggerFactory.getLogger(ChunkSegmenter.class);
  /**
   * Half a 90 kHz tick. The MPEG-TS muxer truncates nanoseconds to 90 kHz ticks, and demuxers
   * give nanoseconds truncated from ticks, so remuxing a frame at 1/30 s (3000 ticks, 33333333
   * ns after demuxing) would store it one tick early (2999). Running the video half a tick late
   * into the muxer makes the truncation a rounding: every frame keeps its tick. The offset is
   * taken out of the chunk times again.
   */
  static final long HALF_TICK_NS = 5_555;

  private static final String COPY_CAPS = "video/x-h264;video/x-h265;video/x-raw(ANY)";

  private final SegmenterSettings settings;
  private volatile Pipeline running;
  private volatile FrameIntervalMeter frameInterval;

  /**
   * Creates a segmenter.
   *
   * @param settings chunk length and encoding policy
   */
  public ChunkSegmenter(SegmenterSettings settings) {
    this.settings = settings;
  }

  /**
   * Segments {@code source} until it ends (or {@link #stop} is called), handing every chunk to
   * {@code listener}.
   *
   * @param source the video source
   * @param listener receives the chunks in order, on this thread
   * @return the number of chunks produced
   * @throws MediaException if the source cannot be opened or decoded, has no video, or the
   *     listener aborts
   */
  public int run(VideoSource source, ChunkListener listener) throws MediaException {
    GStreamerRuntime.ensureInitialized();
    Path dir;
    try {
      dir = Files.createTempDirectory("foleystream-segments");
    } catch (IOException e) {
      throw new MediaException(MediaException.Reason.IO, "cannot create a work directory", e);
    }
    BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    frameInterval = new FrameIntervalMeter();
    Pipeline pipeline = build(source, dir, events);
    running = pipeline;
    try {
      pipeline.play();
      return deliver(events, listener, source);
    } finally {
      running = null;
      pipeline.stop();
      pipeline.dispose();
      deleteRecursively(dir);
    }
  }

  /**
   * Ends a running {@link #run} cleanly: the source gets an end-of-stream, the last chunk is
   * closed and delivered, then {@code run} returns. Safe to call from any thread, and a no-op
   * when nothing runs.
   */
  public void stop() {
    Pipeline pipeline = running;
    if (pipeline != null) {
      pipeline.sendEvent(new EOSEvent());
    }
  }

  /**
   * Hands over each fragment once the next one opens or the source ends. The last fragment's
   * closing time is its last frame's start, so it is extended by one nominal frame duration to
   * cover that frame.
   */
  private int deliver(BlockingQueue<Event> events, ChunkListener listener, VideoSource source)
      throws MediaException {
    int chunks = 0;
    long openedNs = -1;
    FragmentClosed pending = null;
    long pendingStartNs = -1;
    while (true) {
      Event event;
      try {
        event = events.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new MediaException(MediaException.Reason.IO, "segmenting interrupted", e);
      }
      if (event instanceof FragmentOpened opened) {
        if (pending != null) {
          chunks += hand(listener, pending, pendingStartNs, pending.runningTimeNs() - HALF_TICK_NS);
          pending = null;
        }
        openedNs = opened.runningTimeNs() - HALF_TICK_NS;
      } else if (event instanceof FragmentClosed closed) {
        pending = closed;
        pendingStartNs = openedNs;
      } else if (event instanceof Failure failure) {
        throw new MediaException(failure.error().reason(),
            source + ": " + failure.error().getMessage(), failure.error());
      } else if (event instanceof EndOfStream) {
        if (pending != null) {
          chunks += hand(listener, pending, pendingStartNs,
              pending.runningTimeNs() - HALF_TICK_NS + frameInterval.meanNs());
        }
        if (chunks == 0) {
          throw new MediaException(MediaException.Reason.NO_VIDEO,
              source + ": ended without any video");
        }
        return chunks;
      }
    }
  }

  private static int hand(ChunkListener listener, FragmentClosed fragment, long startNs,
      long endNs) throws MediaException {
    byte[] bytes = readAndDelete(Path.of(fragment.location()));
    long startUs = Math.floorDiv(startNs + 500, 1000);
    long endUs = Math.floorDiv(endNs + 500, 1000);
    if (bytes.length == 0 || endUs <= startUs) {
      return 0;
    }
    listener.onChunk(new MediaChunk(bytes, ContainerType.MPEG_TS, startUs, endUs - startUs));
    return 1;
  }

  private Pipeline build(VideoSource source, Path dir, BlockingQueue<Event> events)
      throws MediaException {
    String split = "splitmuxsink name=split muxer-factory=mpegtsmux send-keyframe-requests=true"
        + " max-size-bytes=0 max-size-time=" + settings.chunkDurationUs() * 1000
        + " location=\"" + dir.resolve("chunk%06d.ts").toString().replace("\"", "\\\"") + "\"";
    Pipeline pipeline;
    try {
      if (source instanceof VideoSource.TestPattern test) {
        long frames = Math.max(1, test.durationUs() * test.fps() / 1_000_000L);
        pipeline = (Pipeline) Gst.parseLaunch("videotestsrc is-live=" + test.live()
            + " num-buffers=" + frames + " pattern=smpte horizontal-speed=4 ! video/x-raw,width="
            + test.width() + ",height=" + test.height() + ",framerate=" + test.fps() + "/1"
            + " ! timeoverlay ! " + encodeBranch() + " name=encoded ! split.video " + split);
        Pad encoded = pipeline.getElementByName("encoded").getStaticPad("src");
        encoded.addDataProbe(frameInterval);
        PadOffset.set(encoded, HALF_TICK_NS);
      } else {
        VideoSource.Uri uri = (VideoSource.Uri) source;
        String caps = settings.reencode() == SegmenterSettings.Reencode.ALWAYS
            ? "video/x-raw(ANY)" : COPY_CAPS;
        pipeline = (Pipeline) Gst.parseLaunch("uridecodebin name=src expose-all-streams=false"
            + " caps=\"" + caps + "\" uri=\"" + uri.uri().replace("\"", "%22") + "\" " + split);
        Element split0 = pipeline.getElementByName("split");
        Element decoder = pipeline.getElementByName("src");
        decoder.connect((Element.PAD_ADDED) (element, pad) ->
            attachBranch(pipeline, split0, pad, events));
      }
    } catch (RuntimeException e) {
      throw new MediaException(MediaException.Reason.GSTREAMER_UNAVAILABLE,
          "cannot build the segmenting pipeline for " + source + ": " + e.getMessage(), e);
    }
    Bus bus = pipeline.getBus();
    bus.connect((Bus.EOS) src -> events.add(new EndOfStream()));
    GStreamerErrors errors = new GStreamerErrors();
    bus.connect((Bus.ERROR) (src, code, message) -> events.add(new Failure(
        errors.translate(src == null ? "?" : src.getName(), message))));
    bus.connect((Bus.MESSAGE) (b, message) -> {
      errors.observe(message);
      onElementMessage(message, events);
    });
    return pipeline;
  }

  /** decodebin's pad-added: copy or encode the first video pad into splitmuxsink. */
  private void attachBranch(Pipeline pipeline, Element split, Pad pad,
      BlockingQueue<Event> events) {
    Caps caps = pad.getCurrentCaps();
    if (caps == null) {
      return;
    }
    try {
      String name = caps.getStructure(0).getName();
      String branch;
      if (name.equals("video/x-h264")) {
        branch = "h264parse config-interval=-1";
      } else if (name.equals("video/x-h265")) {
        branch = "h265parse config-interval=-1";
      } else if (name.startsWith("video/x-raw")) {
        branch = encodeBranch();
      } else {
        return;
      }
      Bin bin = Gst.parseBinFromDescription(branch, true);
      pipeline.add(bin);
      Pad out = bin.getStaticPad("src");
      out.addDataProbe(frameInterval);
      PadOffset.set(out, HALF_TICK_NS);
      out.link(split.getRequestPad("video"));
      bin.syncStateWithParent();
      pad.link(bin.getStaticPad("sink"));
    } catch (RuntimeException e) {
      events.add(new Failure(new MediaException(MediaException.Reason.UNSUPPORTED_CODEC,
          "cannot route " + caps + " into the segmenter: " + e.getMessage(), e)));
    } finally {
      caps.dispose();
    }
  }

  /**
   * Measures the mean frame interval of the video entering splitmuxsink (buffers come in decode
   * order, so the spread of their timestamps is used rather than neighbour differences).
   */
  private static final class FrameIntervalMeter implements Pad.DATA_PROBE {
    private long minPtsNs = Long.MAX_VALUE;
    private long maxPtsNs = Long.MIN_VALUE;
    private long frames;

    @Override
    public synchronized PadProbeReturn dataReceived(Pad pad, Buffer buffer) {
      long pts = buffer.getPresentationTimestamp();
      if (pts >= 0) {
        minPtsNs = Math.min(minPtsNs, pts);
        maxPtsNs = Math.max(maxPtsNs, pts);
        frames++;
      }
      return PadProbeReturn.OK;
    }

    synchronized long meanNs() {
      return frames < 2 ? 0 : (maxPtsNs - minPtsNs) / (frames - 1);
    }
  }

  private String encodeBranch() {
    return "videoconvert ! video/x-raw,format=I420 ! x264enc tune=zerolatency"
        + " speed-preset=veryfast key-int-max=1000 bitrate=" + settings.bitrateKbps()
        + " ! h264parse config-interval=-1";
  }

  private static void onElementMessage(Message message, BlockingQueue<Event> events) {
    if (message.getType() != MessageType.ELEMENT) {
      return;
    }
    Structure s = message.getStructure();
    if (s == null) {
      return;
    }
    String name = s.getName();
    if (name.equals("splitmuxsink-fragment-opened")) {
      events.add(new FragmentOpened(runningTime(s)));
    } else if (name.equals("splitmuxsink-fragment-closed")) {
      events.add(new FragmentClosed(s.getString("location"), runningTime(s)));
    }
  }

  private static long runningTime(Structure s) {
    return ((Number) s.getValue("running-time")).longValue();
  }

  private static byte[] readAndDelete(Path file) throws MediaException {
    try {
      byte[] bytes = Files.readAllBytes(file);
      Files.delete(file);
      return bytes;
    } catch (IOException e) {
      throw new MediaException(MediaException.Reason.IO, "cannot read chunk " + file, e);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("could not delete the segment directory {}: {}", dir, e.toString());
    }
  }
}
