package io.foleystream.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Every configuration key foleystream itself reads, with its default and its environment
 * variable, and the rule that maps environment variables to keys. Keys that are not listed here
 * (Kafka clients, Kafka Streams, the schema registry serdes) pass through unchanged.
 *
 * <h2>Environment variables</h2>
 * {@code FOLEYSTREAM_<NAME>} sets a key: {@code NAME} in lower case, {@code _} becomes {@code .},
 * {@code __} becomes {@code _} and {@code ___} becomes {@code -} (the convention of Confluent's
 * container images). When {@code foleystream.<result>} is one of the application's own keys, it
 * sets that key; otherwise it sets {@code <result>} as it is. So {@code
 * FOLEYSTREAM_BOOTSTRAP_SERVERS} sets {@code bootstrap.servers}, {@code
 * FOLEYSTREAM_SCHEMA_REGISTRY_URL} sets {@code schema.registry.url} and {@code
 * FOLEYSTREAM_MODELS} sets {@code foleystream.models}. The variables of {@link
 * #NON_CONFIG_ENVIRONMENT} belong to the launcher and are not keys.
 */
public final class ConfigKeys {

  /** Prefix of the environment variables that set keys. */
  public static final String ENV_PREFIX = "FOLEYSTREAM_";
  /** Prefix of the application's own keys. */
  public static final String KEY_PREFIX = "foleystream.";

  /**
   * Environment variables with the {@link #ENV_PREFIX} that are not configuration keys: the
   * launcher's Java options and log level, the development registry's location and Java
   * runtime, and the configuration file's path.
   */
  public static final Set<String> NON_CONFIG_ENVIRONMENT = Set.of("FOLEYSTREAM_JAVA_OPTS",
      "FOLEYSTREAM_LOG_LEVEL", "FOLEYSTREAM_REGISTRY_HOME", "FOLEYSTREAM_REGISTRY_JAVA",
      "FOLEYSTREAM_CONFIG");

  /**
   * One of the application's own keys.
   *
   * @param name the key
   * @param defaultValue the value when nothing sets it, or null when there is none
   * @param description what it means
   */
  public record Key(String name, String defaultValue, String description) {

    /**
     * The environment variable that sets this key.
     *
     * @return e.g. {@code FOLEYSTREAM_WINDOW_GRACE_MS} for {@code foleystream.window.grace.ms}
     */
    public String environmentVariable() {
      return ENV_PREFIX + encode(name.substring(KEY_PREFIX.length()));
    }
  }

  private static final Map<String, Key> KEYS = new LinkedHashMap<>();

  /** Model set directory (with manifest.json); required where the generator runs. */
  public static final Key MODELS = key("foleystream.models", null,
      "Model set directory (with manifest.json); required where the generator runs.");
  /** Which parts run in this process. */
  public static final Key ROLES = key("foleystream.roles", "assembler,generator",
      "Parts this process runs: assembler, generator, or both (comma-separated).");
  /** Stable name of this instance. */
  public static final Key INSTANCE_ID = key("foleystream.instance.id", null,
      "Stable name of this instance (default: the host name); it names the generator's"
          + " transactional id, so a restarted instance fences its predecessor at once.");
  /** Video chunk topic. */
  public static final Key TOPIC_VIDEO = key("foleystream.topic.video", "foley.video.chunks",
      "Topic of the VideoChunk records (input).");
  /** Control topic. */
  public static final Key TOPIC_CONTROL = key("foleystream.topic.control",
      "foley.stream.control", "Compacted topic of the StreamControl records (input).");
  /** Audio chunk topic. */
  public static final Key TOPIC_AUDIO = key("foleystream.topic.audio", "foley.audio.chunks",
      "Topic of the AudioChunk records (output).");
  /** Dead-letter topic. */
  public static final Key TOPIC_DLQ = key("foleystream.topic.dlq", "foley.dlq",
      "Topic of the DeadLetter records.");
  /** Window task topic. */
  public static final Key TOPIC_WINDOW_TASKS = key("foleystream.topic.window.tasks",
      "foley.window.tasks", "Topic between the assembler and the generator (WindowTask).");
  /** Window tail topic. */
  public static final Key TOPIC_WINDOW_TAILS = key("foleystream.topic.window.tails",
      "foley.window.tails", "Compacted topic of the generator's state (GeneratorState): what"
          + " each stream's last window left for the next to join: where the published audio"
          + " ends, the crossfade tail, in live mode the latent.");
  /** Whether the application creates missing topics. */
  public static final Key TOPIC_CREATE = key("foleystream.topic.create", "true",
      "Create missing topics at start.");
  /** Partitions of the topics the application creates. */
  public static final Key TOPIC_PARTITIONS = key("foleystream.topic.partitions", "4",
      "Partitions of the topics created at start (the video, control and window task topics"
          + " must have equal counts).");
  /** Replication factor of the topics the application creates. */
  public static final Key TOPIC_REPLICATION = key("foleystream.topic.replication.factor", "-1",
      "Replication factor of the topics created at start (-1: the broker's default).");
  /** Window length. */
  public static final Key WINDOW_DURATION_MS = key("foleystream.window.duration.ms", "8000",
      "Window length in ms; must equal the model set's duration.");
  /** Default hop. */
  public static final Key WINDOW_HOP_MS = key("foleystream.window.hop.ms", "8000",
      "Default distance between window starts in ms (at most the window length).");
  /** Crossfade length. */
  public static final Key CROSSFADE_MS = key("foleystream.window.crossfade.ms", "250",
      "Equal-power crossfade where overlapping windows (hop below the window length) meet, in"
          + " ms, at most the overlap (0: hard cut).");
  /** Default window mode. */
  public static final Key WINDOW_MODE = key("foleystream.window.mode", "TUMBLING",
      "How a stream's windows become one signal: TUMBLING (each window generated on its own, the"
          + " official-faithful path) or LIVE (overlapping windows continue the previous window's"
          + " latent; the newest audio appears about one hop after its video).");
  /** Default LIVE margin. */
  public static final Key WINDOW_MARGIN_MS = key("foleystream.window.margin.ms", null,
      "LIVE mode: how much of each window's end is left for the next window to publish, in ms,"
          + " because the decoder sees zero padding there (default: 10 latent frames, 320 ms at"
          + " 16 kHz, 232 ms at 44.1 kHz).");
  /** LIVE ramp-up. */
  public static final Key WINDOW_RAMP_UP = key("foleystream.window.ramp.up", "true",
      "LIVE mode: whether a stream's windows before its first full one are shorter windows from"
          + " its origin, each one hop longer, so that its first audio needs about one hop of"
          + " video rather than a whole window (false: the first window is a full one).");
  /** De-click fade. */
  public static final Key WINDOW_DECLICK_MS = key("foleystream.window.declick.ms", "5",
      "Fade that ramps away the step where windows that do not overlap meet, in ms (0: none,"
          + " the published samples are exactly the model's).");
  /** Sample rate of the window grid, for an assembler without the model set. */
  public static final Key WINDOW_SAMPLE_RATE = key("foleystream.window.sample.rate", null,
      "Output sample rate of the model set, for an assembler that runs without it (default: the"
          + " model set's; 16000 without one).");
  /** Samples per latent frame, for an assembler without the model set. */
  public static final Key WINDOW_LATENT_FRAME_SAMPLES = key(
      "foleystream.window.latent.frame.samples", null,
      "Output samples per latent frame of the model set, the unit of a LIVE hop, for an"
          + " assembler that runs without it (default: the model set's; 512 without one).");
  /** Bound of the per-stream feature cache. */
  public static final Key FEATURE_CACHE_BYTES = key("foleystream.generation.feature.cache.bytes",
      "4194304", "Per-stream bound of the CLIP frame and Synchformer segment features kept for"
          + " overlapping windows, so that each frame is encoded once (0: no cache).");
  /** Grace time in stream time. */
  public static final Key WINDOW_GRACE_MS = key("foleystream.window.grace.ms", "2000",
      "Stream time a window with a gap waits for late chunks before it is emitted anyway.");
  /** Gap policy. */
  public static final Key WINDOW_GAP_POLICY = key("foleystream.window.gap.policy",
      "NEAREST_FRAME", "How a window emitted with gaps is generated: NEAREST_FRAME (grid times in a"
          + " gap take the nearest decoded frame) or SILENCE (the window is not generated).");
  /** Idle timeout in wall-clock time. */
  public static final Key STREAM_IDLE_TIMEOUT_MS = key("foleystream.stream.idle.timeout.ms",
      "30000", "Wall-clock time after a stream's last chunk at which its remaining windows are"
          + " emitted as they are (0: never).");
  /** Default prompt. */
  public static final Key PROMPT = key("foleystream.generation.prompt", "",
      "Prompt of streams whose control record sets none.");
  /** Default negative prompt. */
  public static final Key NEGATIVE_PROMPT = key("foleystream.generation.negative.prompt", "",
      "Negative prompt of streams whose control record sets none.");
  /** Global seed. */
  public static final Key SEED = key("foleystream.generation.seed", "42",
      "Global seed: a window's noise seed derives from it (or the stream's), the stream id"
          + " and the window index.");
  /** Default Euler steps. */
  public static final Key STEPS = key("foleystream.generation.steps", null,
      "Euler steps of streams whose control record sets none (default: the model set's).");
  /** Default guidance strength. */
  public static final Key CFG = key("foleystream.generation.cfg", null,
      "Guidance strength of streams whose control record sets none (default: the model"
          + " set's).");
  /** Whether CLIP features are masked away. */
  public static final Key MASK_AWAY_CLIP = key("foleystream.generation.mask.away.clip", "false",
      "Replace the CLIP image features of streams whose control record says nothing by the"
          + " model's learned empty CLIP feature (MMAudio's --mask_away_clip).");
  /** Most windows per generation call. */
  public static final Key BATCH_SIZE = key("foleystream.generation.batch.size", "4",
      "Most windows generated in one call.");
  /** Engine warm-up at start. */
  public static final Key WARM_UP = key("foleystream.generation.warm.up", "true",
      "Run every graph once at start, at each window duration the streams begin with, and the"
          + " frame preprocessing over a few synthetic frames, before the generator reads"
          + " windows, so a stream's first windows do not pay the first-run costs.");
  /** Media work ahead of generation. */
  public static final Key PREFETCH = key("foleystream.generation.prefetch", "true",
      "Decode and featurize the windows that come next while a batch is generated (up to two"
          + " batches ahead), so the engine does not wait for media work.");
  /** Longest wait for a batch to fill. */
  public static final Key BATCH_WAIT_MS = key("foleystream.generation.batch.wait.ms", "50",
      "Longest wait for more windows once one is ready, in ms.");
  /** Execution provider. */
  public static final Key PROVIDER = key("foleystream.generation.provider", "cpu",
      "ONNX Runtime execution provider: cpu, cuda, cuda:N or auto.");
  /** Intra-op threads. */
  public static final Key THREADS = key("foleystream.generation.threads", "0",
      "ONNX Runtime intra-op threads (0: one per core).");
  /** Audio sample encoding. */
  public static final Key AUDIO_ENCODING = key("foleystream.audio.encoding", "PCM_F32LE",
      "Sample encoding of the audio chunks: PCM_F32LE or PCM_S16LE.");
  /** Colour conversion of decoded video. */
  public static final Key MEDIA_COLOUR = key("foleystream.media.colour", "official",
      "YUV to RGB: official (swscale's default BT.601, what the models were trained on) or"
          + " stream (GStreamer videoconvert, following the stream's colorimetry).");
  /** Frame sampling grid rule. */
  public static final Key MEDIA_GRID = key("foleystream.media.grid", "exact",
      "Grid times: exact (rational, as FFmpeg's fps filter) or official (the official inference"
          + " sampler's float64 accumulator, frame for frame).");
  /** Video decoder choice. */
  public static final Key MEDIA_DECODER = key("foleystream.media.decoder", "auto",
      "H.264/H.265 decoder: auto (nvh264dec/nvh265dec where present, else libav), libav or"
          + " nvcodec.");
  /** Threads of a software video decoder. */
  public static final Key MEDIA_DECODER_THREADS = key("foleystream.media.decoder.threads", "auto",
      "Threads of a libav video decoder: auto (one up to 1920x1088, the least CPU per window;"
          + " libav's choice above), libav (libav's frame threading for every source: a chunk"
          + " decodes sooner on an idle many-core host, at more CPU) or a positive number.");
  /** HTTP port of metrics and health. */
  public static final Key HTTP_PORT = key("foleystream.http.port", "8080",
      "Port of the metrics and health endpoints (0: any free port, -1: none).");
  /** HTTP bind address. */
  public static final Key HTTP_HOST = key("foleystream.http.host", "0.0.0.0",
      "Address the metrics and health endpoints bind to.");
  /** Graceful shutdown limit. */
  public static final Key SHUTDOWN_TIMEOUT_MS = key("foleystream.shutdown.timeout.ms", "60000",
      "Longest wait for the running generation to finish and commit on shutdown.");

  /** Default latency budget of a stream. */
  public static final Key DEADLINE_BUDGET_MS = key("foleystream.deadline.budget.ms", "10000",
      "Latency budget of streams whose control record sets none, in ms: a window's deadline is"
          + " the moment its last chunk was consumed plus this.");
  /** Default deadline policy of a stream. */
  public static final Key DEADLINE_POLICY = key("foleystream.deadline.policy", "QUEUE",
      "What happens to a late window of a stream whose control record sets no policy: QUEUE,"
          + " SKIP, DEGRADE or DEGRADE_THEN_SKIP (live streams: DEGRADE_THEN_SKIP).");
  /** Readiness lag bound. */
  public static final Key HEALTH_MAX_LAG_MS = key("foleystream.health.max.lag.ms", "0",
      "Lag of the oldest window waiting for generation beyond which /health/ready fails, in ms"
          + " (0: lag does not affect readiness).");
  /** Coverage tolerance. */
  public static final Key COVERAGE_TOLERANCE_MS = key("foleystream.window.coverage.tolerance.ms",
      "1", "Chunks whose boundaries are at most this far apart, in ms, count as contiguous.");

  /** Retention of a stream's state. */
  public static final Key STREAM_RETENTION_MS = key("foleystream.stream.retention.ms", "3600000",
      "Wall-clock time after a stream's last chunk at which the assembler deletes its state,"
          + " and after its last window at which the generator deletes its state (ended or idle"
          + " streams; 0: never).");
  /** Delay of the live output behind the video. */
  public static final Key LIVE_DELAY_MS = key("foleystream.output.live.delay.ms", "12000",
      "Delay of the live HLS output behind the video's arrival, in ms: long enough for a chunk's"
      + " audio to be generated (tumbling windows: one window plus processing; live mode: about"
      + " one hop plus processing). Chunks whose audio is later go out with silence.");
  /** Target HLS segment length. */
  public static final Key HLS_SEGMENT_SECONDS = key("foleystream.output.hls.segment.seconds",
      "2", "Target length of live HLS segments in seconds; segments are cut at the first video"
      + " keyframe at or after it.");
  /** Segments listed in the live playlist. */
  public static final Key HLS_PLAYLIST_LENGTH = key("foleystream.output.hls.playlist.length",
      "6", "Segments listed in the rolling live HLS playlist.");
  /** Segments kept on disk. */
  public static final Key HLS_KEPT_SEGMENTS = key("foleystream.output.hls.kept.segments", "12",
      "Live HLS segments kept on disk (older ones are deleted); at least the playlist length.");
  /** Gain of the original audio under the generated audio. */
  public static final Key ORIGINAL_AUDIO_GAIN = key("foleystream.output.original.audio.gain",
      null, "Gain at which the video chunks' own audio track is mixed under the generated audio"
      + " in the live output (unset: the generated audio replaces it).");
  /** Longest chunk accepted. */
  public static final Key MAX_CHUNK_DURATION_MS = key("foleystream.timeline.max.chunk.duration.ms",
      "60000", "Longest VideoChunk accepted, in ms; a longer one is dead-lettered.");
  /** Largest PTS jump within a stream. */
  public static final Key MAX_PTS_JUMP_MS = key("foleystream.timeline.max.jump.ms", "60000",
      "Largest distance in ms between a chunk's start and its stream's timeline (after the"
          + " latest chunk end, before the earliest chunk buffered); a chunk further away is"
          + " dead-lettered.");
  /** Largest distance between a control origin and the first chunk. */
  public static final Key MAX_ORIGIN_DISTANCE_MS = key(
      "foleystream.timeline.origin.max.distance.ms", "8000",
      "Largest distance in ms between a control record's originPtsMicros and its stream's first"
          + " chunk; a control record further away is dead-lettered (or its origin ignored when"
          + " it came before the first chunk).");
  /** Windows emitted per input record. */
  public static final Key MAX_WINDOWS_PER_RECORD = key(
      "foleystream.assembler.max.windows.per.record", "16",
      "Most windows the assembler emits for one chunk; the rest are emitted by later chunks or"
          + " the next punctuation (every second), never dropped.");
  /** Windows emitted per punctuation. */
  public static final Key MAX_WINDOWS_PER_PUNCTUATION = key(
      "foleystream.assembler.max.windows.per.punctuation", "64",
      "Most windows one punctuation (every second) emits over all streams of a task.");
  /** Longest prompt of a control record. */
  public static final Key CONTROL_MAX_PROMPT_BYTES = key("foleystream.control.max.prompt.bytes",
      "1024", "Longest prompt or negative prompt of a control record, in UTF-8 bytes (the text"
          + " encoder keeps 77 tokens).");
  /** Most steps of a control record. */
  public static final Key CONTROL_MAX_STEPS = key("foleystream.control.max.steps", "200",
      "Most Euler steps a control record may ask for.");
  /** Least guidance strength of a control record. */
  public static final Key CONTROL_MIN_CFG = key("foleystream.control.cfg.min", "0",
      "Least guidance strength a control record may ask for.");
  /** Greatest guidance strength of a control record. */
  public static final Key CONTROL_MAX_CFG = key("foleystream.control.cfg.max", "20",
      "Greatest guidance strength a control record may ask for.");

  /** Schemes a payload reference may use. */
  public static final Key REFERENCE_SCHEMES = key("foleystream.reference.schemes",
      "https,http,file", "Schemes a PayloadReference may use (a subset of https, http, file);"
          + " http(s) still needs a listed host, file a listed root.");
  /** Hosts payload references may reach. */
  public static final Key REFERENCE_HOSTS = key("foleystream.reference.http.hosts", "",
      "Hosts http(s) payload references may reach (comma-separated; *.example.com admits"
          + " sub-domains, host:port one port only); empty: none.");
  /** Directories file references may read. */
  public static final Key REFERENCE_FILE_ROOTS = key("foleystream.reference.file.roots", "",
      "Directories below which file: payload references may read (comma-separated, symbolic"
          + " links resolved); empty: none.");
  /** Whether references may reach private addresses. */
  public static final Key REFERENCE_ALLOW_PRIVATE = key(
      "foleystream.reference.allow.private.addresses", "false",
      "Whether http(s) payload references may reach private, loopback and link-local"
          + " addresses.");
  /** Byte cap of a referenced payload. */
  public static final Key REFERENCE_MAX_BYTES = key("foleystream.reference.max.bytes",
      "268435456", "Largest referenced payload, in bytes; enforced from Content-Length and"
          + " while reading.");
  /** Deadline of one payload fetch. */
  public static final Key REFERENCE_TIMEOUT_MS = key("foleystream.reference.timeout.ms", "30000",
      "Deadline for fetching one referenced payload, connection, redirects and body included,"
          + " in ms.");
  /** Redirects followed. */
  public static final Key REFERENCE_MAX_REDIRECTS = key("foleystream.reference.max.redirects",
      "3", "Most redirects followed for one payload reference (each within the allow-list and"
          + " the same scheme).");

  /** Attempts at a failing window. */
  public static final Key RETRY_ATTEMPTS = key("foleystream.generation.retry.attempts", "4",
      "Attempts at generating a window that fails for a reason that is not its record's fault"
          + " (payload server down, decoder or runtime failure) before it is dead-lettered with"
          + " the cause.");
  /** Time budget of a failing window. */
  public static final Key RETRY_BUDGET_MS = key("foleystream.generation.retry.budget.ms",
      "30000", "Time after a window's first such failure at which it is dead-lettered, whatever"
          + " the attempts; the longest a failing window holds up other streams.");

  /** Widest frame decoded unscaled. */
  public static final Key DECODER_MAX_WIDTH = key("foleystream.decoder.max.frame.width", "1920",
      "Frames wider than this are scaled down (aspect kept) by GStreamer before they reach the"
          + " application.");
  /** Tallest frame decoded unscaled. */
  public static final Key DECODER_MAX_HEIGHT = key("foleystream.decoder.max.frame.height",
      "1920", "Frames taller than this are scaled down likewise.");
  /** Largest source picture decoded. */
  public static final Key DECODER_MAX_SOURCE_PIXELS = key("foleystream.decoder.max.source.pixels",
      "35651584", "A chunk whose stream header declares a picture of more pixels (width x height)"
          + " is dead-lettered (too large) before it is decoded; the default is the largest"
          + " picture of H.264 and H.265 (level 6.2, 8192x4352).");
  /** Most frames per chunk. */
  public static final Key DECODER_MAX_FRAMES = key("foleystream.decoder.max.frames.per.chunk",
      "3600", "A chunk that decodes to more frames is dead-lettered (too large).");
  /** Largest chunk payload. */
  public static final Key DECODER_MAX_BYTES = key("foleystream.decoder.max.chunk.bytes",
      "268435456", "Largest chunk payload decoded, in bytes; a referenced payload is also capped"
          + " by it while it is fetched.");
  /** Decoder stall timeout. */
  public static final Key DECODER_STALL_TIMEOUT_MS = key("foleystream.decoder.stall.timeout.ms",
      "10000", "Decoding a chunk fails (the chunk is dead-lettered) when GStreamer delivers"
          + " nothing for this long, in ms.");

  private ConfigKeys() {}

  private static Key key(String name, String defaultValue, String description) {
    Key key = new Key(name, defaultValue, description);
    KEYS.put(name, key);
    return key;
  }

  /**
   * Every key the application reads itself, in documentation order.
   *
   * @return the keys
   */
  public static List<Key> all() {
    return List.copyOf(KEYS.values());
  }

  /**
   * Looks up one of the application's keys.
   *
   * @param name a key
   * @return the key, or empty when it is not the application's (it then passes through)
   */
  public static Optional<Key> find(String name) {
    return Optional.ofNullable(KEYS.get(name));
  }

  /**
   * The key an environment variable sets.
   *
   * @param variable an environment variable name
   * @return the key, or empty for variables without the prefix or in {@link
   *     #NON_CONFIG_ENVIRONMENT}
   */
  public static Optional<String> keyForEnvironmentVariable(String variable) {
    if (!variable.startsWith(ENV_PREFIX) || NON_CONFIG_ENVIRONMENT.contains(variable)
        || variable.length() == ENV_PREFIX.length()) {
      return Optional.empty();
    }
    String decoded = decode(variable.substring(ENV_PREFIX.length()));
    return Optional.of(KEYS.containsKey(KEY_PREFIX + decoded) ? KEY_PREFIX + decoded : decoded);
  }

  /**
   * The environment variable that sets a key, the inverse of {@link #keyForEnvironmentVariable}.
   *
   * @param name any key
   * @return the variable name
   */
  public static String environmentVariableFor(String name) {
    Key own = KEYS.get(name);
    return own != null ? own.environmentVariable() : ENV_PREFIX + encode(name);
  }

  private static String encode(String key) {
    return key.replace("_", "__").replace("-", "___").replace('.', '_')
        .toUpperCase(Locale.ROOT);
  }

  private static String decode(String name) {
    StringBuilder out = new StringBuilder();
    String lower = name.toLowerCase(Locale.ROOT);
    int i = 0;
    while (i < lower.length()) {
      if (lower.startsWith("___", i)) {
        out.append('-');
        i += 3;
      } else if (lower.startsWith("__", i)) {
        out.append('_');
        i += 2;
      } else if (lower.charAt(i) == '_') {
        out.append('.');
        i++;
      } else {
        out.append(lower.charAt(i++));
      }
    }
    return out.toString();
  }
}
