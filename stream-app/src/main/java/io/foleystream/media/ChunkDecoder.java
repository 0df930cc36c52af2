package io.foleystream.media;

import org.freedesktop.gstreamer.ElementFactory;

/**
 * Decodes chunks from memory into RGB frames on the stream timeline: {@code appsrc ! decodebin !
 * videoscale ! videoconvert ! appsink}, one pipeline reused from chunk to chunk.
 *
 * <p>Any container in {@link ContainerType} with any video codec the installed GStreamer plugins
 * decode is accepted. Before GStreamer sees a chunk its size and container signature are checked
 * (garbage under a container's caps can make GStreamer wait forever); its picture size is judged
 * on the stream header, before a decoder runs. After decoding, the frames
 * must reach to within the timing tolerance of the chunk's declared end, which is how a truncated
 * chunk shows (GStreamer ends it normally, with fewer frames). Every failure is a {@link
 * MediaException} naming the chunk and the cause; the pipeline is then rebuilt, so the decoder
 * stays usable for the next chunk.
 *
 * <p>Not thread-safe: use one decoder per thread. Close it to free the native pipeline.
 */
public final class ChunkDecoder implements AutoCloseable {

  private final DecoderSettings settings;
  private DecodingPipeline pipeline;

  /**
   * Creates a decoder; GStreamer is initialised on first use.
   *
   * @param settings limits and tolerances
   */
  public ChunkDecoder(DecoderSettings settings) {
    this.settings = settings;
  }

  /**
   * Decodes one chunk, handing frames to {@code sink} as they come out of the decoder.
   *
   * @param chunk the chunk
   * @param sink receives the frames it wants; may stop decoding early
   * @return what was decoded
   * @throws MediaException if the chunk is empty, too large, not in its declared container,
   *     undecodable, truncated, has bad timestamps, or GStreamer stalls
   */
  public DecodeSummary decode(MediaChunk chunk, FrameSink sink) throws MediaException {
    String name = chunk.toString();
    byte[] bytes = chunk.bytes();
    if (bytes.length == 0) {
      throw new MediaException(MediaException.Reason.EMPTY, name + ": no bytes");
    }
    if (bytes.length > settings.maxChunkBytes()) {
      throw new MediaException(MediaException.Reason.TOO_LARGE,
          name + ": larger than the limit of " + settings.maxChunkBytes() + " bytes");
    }
    ContainerType actual = ContainerType.detect(bytes);
    if (actual != chunk.container()) {
      throw new MediaException(MediaException.Reason.UNSUPPORTED_CONTAINER, name
          + ": bytes are " + (actual == null ? "in no supported container" : "in " + actual));
    }
    StreamClock clock = new StreamClock(name, chunk.startUs(), chunk.durationUs(),
        settings.timingToleranceUs());
    if (pipeline == null) {
      pipeline = DecodingPipeline.forMemory(settings);
    }
    boolean clean = false;
    try {
      DecodeSummary summary = pipeline.decode(bytes, chunk.container().caps(), clock, sink, name);
      if (!summary.stoppedEarly()) {
        checkCoverage(chunk, summary, name);
      }
      clean = true;
      return summary;
    } finally {
      if (clean) {
        pipeline.reset();
      } else {
        pipeline.close();
        pipeline = null;
      }
    }
  }

  private void checkCoverage(MediaChunk chunk, DecodeSummary summary, String name)
      throws MediaException {
    if (summary.framesDecoded() == 0) {
      throw new MediaException(MediaException.Reason.CORRUPT, name + ": no frame decoded");
    }
    long reached = summary.lastPtsUs();
    long missing = chunk.endUs() - reached;
    long typicalFrame = summary.framesDecoded() > 1
        ? (summary.lastPtsUs() - summary.firstPtsUs()) / (summary.framesDecoded() - 1)
        : chunk.durationUs();
    if (missing > typicalFrame + settings.timingToleranceUs()) {
      throw new MediaException(MediaException.Reason.TRUNCATED, name + ": frames end at "
          + reached + " us, " + missing + " us before the declared end ("
          + summary.framesDecoded() + " frames decoded)");
    }
  }

  /**
   * Loads GStreamer and the plugins chunk decoding uses (demuxers, parsers, decoders, converters)
   * now rather than on the first chunk: a process's first decode otherwise pays the plugin loads
   * (about a second), which a live stream's first window would wait for. Plugins that are not
   * installed are passed over; what a chunk needs and lacks still fails that chunk.
   *
   * @throws MediaException if GStreamer cannot be initialised
   */
  public static void warmUp() throws MediaException {
    GStreamerRuntime.ensureInitialized();
    for (String factory : WARM_UP_FACTORIES) {
      if (DecodingPipeline.installed(factory)) {
        ElementFactory.make(factory, null).dispose();
      }
    }
  }

  /** Elements of the decoding pipeline and of what decodebin plugs for the usual chunks. */
  private static final String[] WARM_UP_FACTORIES = {"appsrc", "decodebin", "typefind",
      "tsdemux", "qtdemux", "matroskademux", "h264parse", "h265parse", "vp9parse",
      "avdec_h264", "avdec_h265", "vp9dec", "videoscale", "videoconvert", "capsfilter",
      "appsink"};

  @Override
  public void close() {
    if (pipeline != null) {
      pipeline.close();
      pipeline = null;
    }
  }
}
