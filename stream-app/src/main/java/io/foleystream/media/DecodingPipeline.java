package io.foleystream.media;

import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.freedesktop.gstreamer.Bin;
import org.freedesktop.gstreamer.Buffer;
import org.freedesktop.gstreamer.Bus;
import org.freedesktop.gstreamer.Caps;
import org.freedesktop.gstreamer.Element;
import org.freedesktop.gstreamer.ElementFactory;
import org.freedesktop.gstreamer.GhostPad;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Pad;
import org.freedesktop.gstreamer.PadProbeReturn;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.Sample;
import org.freedesktop.gstreamer.Structure;
import org.freedesktop.gstreamer.elements.AppSink;
import org.freedesktop.gstreamer.elements.AppSrc;
import org.freedesktop.gstreamer.elements.DecodeBin;
import org.freedesktop.gstreamer.event.Event;

/**
 * One GStreamer decoding pipeline, {@code <source> ! decodebin ! videoscale ! videoconvert !
 * I420 or RGB ! appsink}, and the loop that pulls its frames on the calling thread.
 *
 * <p>With {@link ColourConversion#OFFICIAL} GStreamer hands over the decoder's 8-bit 4:2:0
 * frames untouched (videoconvert passes I420 through; other formats are converted to I420) and
 * {@link YuvToRgbConverter} turns only the frames a sink takes into RGB, as FFmpeg's swscale
 * would; an {@link I420FrameSink} gets them in I420 and converts only what it reads. With {@link
 * ColourConversion#STREAM} videoconvert produces RGB for every frame, following the stream's
 * colorimetry. decodebin never picks a decoder the {@link DecoderChoice} excludes, and FFmpeg's
 * decoders get one thread for sources up to 1080p.
 *
 * <p>decodebin's video pad is linked by hand in its pad-added callback, so the pipeline can go
 * back to NULL after an input and decode the next one (a pipeline from {@code parseLaunch}
 * links decodebin only once). Only video is exposed; audio and subtitles are never decoded. The
 * appsink queues at most {@value #QUEUED_FRAMES} frames (enough for the decoder to run ahead while
 * the calling thread preprocesses), so memory stays at a few frames whatever the input length.
 * Every sample, buffer and caps object pulled is disposed before the next pull.
 *
 * <p>A source larger than {@link DecoderSettings#maxSourcePixels()} is refused on the caps of
 * decodebin's pads before a decoder is plugged behind them ({@link SourceSizeLimit}); frames
 * between that and the frame size cap are scaled by videoscale.
 */
final class DecodingPipeline implements AutoCloseable {

  private static final long PULL_SLICE_NS = TimeUnit.MILLISECONDS.toNanos(50);
  private static final int FEED_BLOCK_BYTES = 1 << 20;
  private static final int QUEUED_FRAMES = 6;
  /** Name of the structure that carries a caps event's caps. */
  private static final String CAPS_EVENT = "GstEventCaps";
  /** FFmpeg's decoders in GStreamer (avdec_h264, avdec_h265, ...). */
  private static final String LIBAV_DECODER_PREFIX = "avdec_";

  private final DecoderSettings settings;
  private final SourceSizeLimit sourceLimit;
  /**
   * Caps probes to remove when the input ends: some pads belong to decodebin's permanent children
   * (its typefind), where probes would pile up input after input.
   */
  private final Queue<CapsProbe> capsProbes = new ConcurrentLinkedQueue<>();

  /**
   * One probe on one pad. Each probe is its own object: the bindings keep a pad's probes by
   * listener, so adding one listener twice to a pad (decodebin may ask about a pad again) would
   * orphan the first native probe's callback.
   */
  private record CapsProbe(Pad pad, Pad.EVENT_PROBE probe) {}
  private final Pipeline pipeline;
  private final AppSrc appSource;
  private final Element scaler;
  private final Element formatFilter;
  private final AppSink appSink;
  private final AtomicReference<MediaException> failure = new AtomicReference<>();
  private final GStreamerErrors errors = new GStreamerErrors();
  private volatile boolean videoLinked;
  private volatile boolean noMorePads;
  /** The picture size of the stream decodebin last chose a libav decoder for; 0 if unknown. */
  private volatile long libavSourcePixels;
  private volatile byte[] input = new byte[0];
  private final AtomicLong inputOffset = new AtomicLong();
  private byte[] pixels = new byte[0];
  private byte[] yuv = new byte[0];
  private final String formatCaps;

  private DecodingPipeline(String source, DecoderSettings settings) throws MediaException {
    GStreamerRuntime.ensureInitialized();
    this.settings = settings;
    this.sourceLimit = new SourceSizeLimit(settings.maxSourcePixels());
    this.formatCaps = settings.colour() == ColourConversion.OFFICIAL
        ? "video/x-raw,format=I420" : "video/x-raw,format=RGB";
    Set<String> excluded = settings.decoder().excludedDecoders(DecodingPipeline::installed);
    try {
      pipeline = (Pipeline) Gst.parseLaunch(source
          + " ! decodebin name=dec caps=video/x-raw(ANY) expose-all-streams=false"
          + " videoscale name=scale add-borders=false ! videoconvert"
          + " ! capsfilter name=format caps=" + formatCaps
          + " ! appsink name=sink sync=false drop=false enable-last-sample=false max-buffers="
          + QUEUED_FRAMES);
    } catch (RuntimeException e) {
      throw new MediaException(MediaException.Reason.GSTREAMER_UNAVAILABLE,
          "cannot build the decoding pipeline (GStreamer base plugins installed?): " + e, e);
    }
    appSource = (AppSrc) pipeline.getElementByName("src");
    scaler = pipeline.getElementByName("scale");
    formatFilter = pipeline.getElementByName("format");
    appSink = (AppSink) pipeline.getElementByName("sink");
    Element decodebin = pipeline.getElementByName("dec");
    if (!(decodebin instanceof DecodeBin bin)) {
      throw new MediaException(MediaException.Reason.GSTREAMER_UNAVAILABLE,
          "decodebin is not a DecodeBin: " + decodebin.getClass());
    }
    bin.connect((DecodeBin.AUTOPLUG_SELECT) (element, pad, caps, factory) -> {
      if (excluded.contains(factory.getName())) {
        return DecodeBin.AutoplugSelectResult.SKIP;
      }
      if (factory.getName().startsWith(LIBAV_DECODER_PREFIX)) {
        libavSourcePixels = pixels(caps);
      }
      return DecodeBin.AutoplugSelectResult.TRY;
    });
    bin.connect((Bin.ELEMENT_ADDED) (b, element) -> limitLibavThreads(element));
    bin.connect((DecodeBin.AUTOPLUG_CONTINUE) (element, pad, caps) -> admits(pad, caps));
    decodebin.connect((Element.PAD_ADDED) this::linkVideoPad);
    decodebin.connect((Element.NO_MORE_PADS) element -> noMorePads = true);
    Bus bus = pipeline.getBus();
    bus.connect((Bus.MESSAGE) (b, message) -> errors.observe(message));
    bus.connect((Bus.ERROR) (src, code, message) -> failure.compareAndSet(null,
        errors.translate(src == null ? "?" : src.getName(), message)));
  }

  /** Width x height the caps declare, 0 if they declare no size. */
  private static long pixels(Caps caps) {
    if (caps == null || caps.size() == 0) {
      return 0;
    }
    Structure s = caps.getStructure(0);
    return s.hasIntField("width") && s.hasIntField("height")
        ? (long) s.getInteger("width") * s.getInteger("height") : 0;
  }

  /** decodebin's element-added: a libav decoder gets the threads the settings give its source. */
  private void limitLibavThreads(Element element) {
    int threads = settings.threads().maxThreadsFor(libavSourcePixels);
    if (element.getFactory().getName().startsWith(LIBAV_DECODER_PREFIX) && threads > 0) {
      element.set("max-threads", threads);
    }
  }

  /** Whether GStreamer (already initialised) has an element factory of this name. */
  static boolean installed(String factory) {
    try {
      return ElementFactory.find(factory) != null;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** A pipeline fed from memory through appsrc, for chunks. */
  static DecodingPipeline forMemory(DecoderSettings settings) throws MediaException {
    DecodingPipeline pipeline =
        new DecodingPipeline("appsrc name=src format=bytes stream-type=random-access", settings);
    pipeline.appSource.connect((AppSrc.NEED_DATA) (src, size) -> pipeline.feedInput());
    pipeline.appSource.connect((AppSrc.SEEK_DATA) (src, position) -> pipeline.seekInput(position));
    return pipeline;
  }

  /** A pipeline that reads a local file. */
  static DecodingPipeline forFile(String location, DecoderSettings settings)
      throws MediaException {
    return new DecodingPipeline("filesrc name=file location=\"" + location.replace("\"", "\\\"")
        + "\"", settings);
  }

  /**
   * Decodes {@code bytes} (in the container named by {@code caps}) through appsrc.
   */
  DecodeSummary decode(byte[] bytes, String caps, StreamClock clock, FrameSink sink,
      String inputName) throws MediaException {
    input = bytes;
    inputOffset.set(0);
    appSource.setCaps(new Caps(caps));
    appSource.setSize(bytes.length);
    start();
    return pullFrames(clock, sink, inputName);
  }

  /**
   * appsrc's need-data: pushes the next block of the input, or ends the stream. The source is in
   * random-access mode, so demuxers that need to jump (MP4 with its index at the end) seek
   * through {@link #seekInput}.
   */
  private void feedInput() {
    byte[] in = input;
    long offset = inputOffset.get();
    if (offset >= in.length) {
      appSource.endOfStream();
      return;
    }
    int n = (int) Math.min(FEED_BLOCK_BYTES, in.length - offset);
    Buffer buffer = new Buffer(n);
    buffer.map(true).put(in, (int) offset, n);
    buffer.unmap();
    buffer.setOffset(offset);
    inputOffset.set(offset + n);
    appSource.pushBuffer(buffer);
  }

  private boolean seekInput(long position) {
    if (position < 0 || position > input.length) {
      return false;
    }
    inputOffset.set(position);
    return true;
  }

  /** Decodes the file this pipeline was built for. */
  DecodeSummary decodeFile(StreamClock clock, FrameSink sink, String inputName)
      throws MediaException {
    start();
    return pullFrames(clock, sink, inputName);
  }

  /**
   * Back to NULL, ready for the next input: queued data and decodebin's dynamic pads are dropped,
   * the elements stay. (READY is not enough: appsink clears its end-of-stream flag only when it
   * restarts from NULL.)
   */
  void reset() {
    pipeline.stop();
    removeCapsProbes();
  }

  @Override
  public void close() {
    pipeline.stop();
    removeCapsProbes();
    pipeline.dispose();
  }

  private void removeCapsProbes() {
    for (CapsProbe probe = capsProbes.poll(); probe != null; probe = capsProbes.poll()) {
      probe.pad().removeEventProbe(probe.probe());
    }
  }

  private void start() {
    failure.set(null);
    videoLinked = false;
    noMorePads = false;
    errors.reset();
    formatFilter.set("caps", new Caps(formatCaps));
    pipeline.play();
  }

  private DecodeSummary pullFrames(StreamClock clock, FrameSink sink, String inputName)
      throws MediaException {
    int decoded = 0;
    int delivered = 0;
    long first = Long.MIN_VALUE;
    long last = Long.MIN_VALUE;
    long lastProgress = System.nanoTime();
    long stallNs = TimeUnit.MILLISECONDS.toNanos(settings.stallTimeoutMs());
    while (true) {
      MediaException error = failure.get();
      if (error != null) {
        throw new MediaException(error.reason(), inputName + ": " + error.getMessage(), error);
      }
      Sample sample = appSink.emit(Sample.class, "try-pull-sample", PULL_SLICE_NS);
      if (sample == null) {
        if (failure.get() != null) {
          // Recorded while this pull waited; it outranks what the pipeline's state says now.
          continue;
        }
        if (appSink.isEOS()) {
          if (!videoLinked) {
            throw new MediaException(MediaException.Reason.NO_VIDEO,
                inputName + ": no decodable video stream");
          }
          return new DecodeSummary(decoded, delivered, first, last, false);
        }
        if (noMorePads && !videoLinked) {
          throw new MediaException(MediaException.Reason.NO_VIDEO,
              inputName + ": no decodable video stream");
        }
        if (System.nanoTime() - lastProgress > stallNs) {
          throw new MediaException(MediaException.Reason.STALLED, inputName
              + ": GStreamer delivered nothing for " + settings.stallTimeoutMs() + " ms");
        }
        continue;
      }
      if (failure.get() != null) {
        // Recorded before this frame was decoded (a refused caps change lets the decoder go on
        // with the in-band header): the frame belongs to the failed input and is never handed
        // over.
        sample.dispose();
        continue;
      }
      lastProgress = System.nanoTime();
      boolean more;
      try {
        decoded++;
        if (decoded > settings.maxFramesPerChunk()) {
          throw new MediaException(MediaException.Reason.TOO_LARGE, inputName
              + ": more than " + settings.maxFramesPerChunk() + " frames");
        }
        Buffer buffer = sample.getBuffer();
        try {
          long ptsUs = clock.toStreamUs(buffer.getPresentationTimestamp());
          if (first == Long.MIN_VALUE) {
            first = ptsUs;
          }
          last = ptsUs;
          FrameSink.Decision decision = sink.decide(ptsUs);
          more = decision != FrameSink.Decision.STOP;
          if (decision == FrameSink.Decision.TAKE) {
            delivered++;
            more = deliver(sample, buffer, ptsUs, sink);
          }
        } finally {
          buffer.dispose();
        }
      } finally {
        sample.dispose();
      }
      if (!more) {
        return new DecodeSummary(decoded, delivered, first, last, true);
      }
    }
  }

  /**
   * Copies the frame out of GStreamer and hands it to the sink: as I420 to a sink that converts
   * colour itself, as RGB otherwise (converted here when GStreamer delivers I420).
   */
  private boolean deliver(Sample sample, Buffer buffer, long ptsUs, FrameSink sink)
      throws MediaException {
    Caps caps = sample.getCaps();
    int width;
    int height;
    boolean fullRange;
    try {
      Structure s = caps.getStructure(0);
      width = s.getInteger("width");
      height = s.getInteger("height");
      fullRange = s.hasField("colorimetry") && isFullRange(s.getString("colorimetry"));
    } finally {
      caps.dispose();
    }
    int stride = (width * 3 + 3) & ~3;
    int rgbSize = stride * height;
    if (settings.colour() == ColourConversion.STREAM) {
      pixels = reuse(pixels, rgbSize);
      copy(buffer, pixels, rgbSize, width, height);
      return sink.accept(new RgbFrame(ptsUs, width, height, stride, pixels));
    }
    I420Layout layout = I420Layout.of(width, height);
    yuv = reuse(yuv, layout.size());
    copy(buffer, yuv, layout.size(), width, height);
    I420Frame frame = new I420Frame(ptsUs, layout, yuv, fullRange);
    if (sink instanceof I420FrameSink converting) {
      return converting.accept(frame);
    }
    pixels = reuse(pixels, rgbSize);
    return sink.accept(frame.toRgb(pixels, stride));
  }

  private static byte[] reuse(byte[] array, int size) {
    return array.length < size ? new byte[size] : array;
  }

  private static void copy(Buffer buffer, byte[] into, int size, int width, int height)
      throws MediaException {
    ByteBuffer mapped = buffer.map(false);
    try {
      if (mapped.remaining() < size) {
        throw new MediaException(MediaException.Reason.CORRUPT, "decoded frame of " + width + "x"
            + height + " has " + mapped.remaining() + " bytes, expected " + size);
      }
      mapped.get(into, 0, size);
    } finally {
      buffer.unmap();
    }
  }

  /**
   * Whether a GStreamer colorimetry string says full range (0-255): the numeric form {@code
   * range:matrix:transfer:primaries} with range 1, or sRGB. The named YUV colorimetries (bt601,
   * bt709, bt2020, ...) are all limited range.
   */
  static boolean isFullRange(String colorimetry) {
    if (colorimetry == null) {
      return false;
    }
    int colon = colorimetry.indexOf(':');
    if (colon > 0) {
      return colorimetry.substring(0, colon).trim().equals("1");
    }
    return colorimetry.equalsIgnoreCase("sRGB");
  }

  /**
   * decodebin's autoplug-continue, asked for every pad it found (a demuxer's, a parser's) before
   * it plugs the next element: a source larger than the limit fails the input there, and the pad
   * is left unplugged, so no decoder ever sees it. Without a decoder the stream cannot go on and
   * ends with a not-linked error, which the failure recorded first outranks. decodebin asks only
   * once per pad, so an admitted pad's later caps (a new sequence header in mid-stream) are
   * judged by a probe on it. The pad decodebin passes is its own ghost pad, which it retargets
   * to the next element's output as the chain grows; the probe goes on the element's pad
   * itself, so a parser's new caps are judged before the decoder behind it sees them.
   */
  private boolean admits(Pad pad, Caps caps) {
    if (refuses(sourceLimit.refusal(caps))) {
      return false;
    }
    Pad target = pad instanceof GhostPad ghost ? ghost.getTarget() : null;
    CapsProbe probe = new CapsProbe(target == null ? pad : target, this::judgeNewCaps);
    probe.pad().addEventProbe(probe.probe());
    capsProbes.add(probe);
    return true;
  }

  /**
   * A caps event on an admitted pad: one beyond the limit fails the input and is dropped, so the
   * element after the pad never configures itself for that size (it fails not-negotiated).
   */
  private PadProbeReturn judgeNewCaps(Pad pad, Event event) {
    Structure s = event.getStructure();
    if (s != null && s.hasName(CAPS_EVENT) && s.hasField("caps")
        && s.getValue("caps") instanceof Caps caps && refuses(sourceLimit.refusal(caps))) {
      return PadProbeReturn.DROP;
    }
    return PadProbeReturn.OK;
  }

  /** Records {@code refused} as the input's failure, if it is one. */
  private boolean refuses(MediaException refused) {
    if (refused == null) {
      return false;
    }
    failure.compareAndSet(null, refused);
    return true;
  }

  /**
   * decodebin's pad-added: link the first raw video pad, capping its resolution. A size beyond
   * the source limit is refused here too, for a format whose parser or demuxer declared none.
   */
  private void linkVideoPad(Element decodebin, Pad pad) {
    Caps caps = pad.getCurrentCaps();
    if (caps == null || videoLinked) {
      return;
    }
    try {
      Structure s = caps.getStructure(0);
      if (!s.getName().startsWith("video/x-raw")) {
        return;
      }
      int width = s.getInteger("width");
      int height = s.getInteger("height");
      if (refuses(sourceLimit.refusal(width, height,
          "refused after its first frame was decoded (no stream header declared the size)"))) {
        return;
      }
      double shrink = Math.min(1.0, Math.min((double) settings.maxFrameWidth() / width,
          (double) settings.maxFrameHeight() / height));
      if (shrink < 1.0) {
        int w = Math.max(2, (int) Math.round(width * shrink / 2) * 2);
        int h = Math.max(2, (int) Math.round(height * shrink / 2) * 2);
        formatFilter.set("caps", new Caps(formatCaps + ",width=" + w + ",height=" + h));
      }
      pad.link(scaler.getStaticPad("sink"));
      videoLinked = true;
    } catch (RuntimeException e) {
      failure.compareAndSet(null, new MediaException(MediaException.Reason.CORRUPT,
          "cannot link the decoded video: " + e.getMessage(), e));
    } finally {
      caps.dispose();
    }
  }
}
