package io.foleystream.topology;

import io.foleystream.config.ConfigException;
import io.foleystream.config.ConfigKeys;
import io.foleystream.config.FoleystreamConfig;
import io.foleystream.inference.DecoderMargin;
import io.foleystream.inference.EngineWarmUp;
import io.foleystream.inference.FoleyEngine;
import io.foleystream.inference.FrameFeatureCache;
import io.foleystream.inference.ModelLoadListener;
import io.foleystream.inference.ProviderChoice;
import io.foleystream.inference.RuntimeOptions;
import io.foleystream.media.ChunkDecoder;
import io.foleystream.media.DecoderSettings;
import io.foleystream.media.MediaException;
import io.foleystream.media.PreprocessingWarmUp;
import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.DeadLetter;
import io.foleystream.schemas.DeadlineAction;
import io.foleystream.schemas.GapPolicy;
import io.foleystream.schemas.GeneratorState;
import io.foleystream.schemas.SampleEncoding;
import io.foleystream.schemas.StreamAssembly;
import io.foleystream.schemas.StreamControl;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.WindowMode;
import io.foleystream.schemas.WindowTask;
import io.foleystream.schemas.registry.SchemaRegistries;
import io.foleystream.schemas.registry.SubjectRegistrar;
import io.foleystream.schemas.serde.AvroSerdeConfig;
import io.foleystream.schemas.serde.SubjectNameStrategy;
import io.foleystream.topology.assembler.AssemblerSettings;
import io.foleystream.topology.assembler.AssemblerStores;
import io.foleystream.topology.assembler.AssemblerTopology;
import io.foleystream.topology.generator.AudioChunker;
import io.foleystream.topology.generator.BatchPolicy;
import io.foleystream.topology.generator.ControlView;
import io.foleystream.topology.generator.DeadlinePolicy;
import io.foleystream.topology.generator.FeaturePrefetcher;
import io.foleystream.topology.generator.GenerationDriver;
import io.foleystream.topology.generator.LagTracker;
import io.foleystream.topology.generator.OutputRecords;
import io.foleystream.topology.generator.RetryBudget;
import io.foleystream.topology.generator.WindowBatchGenerator;
import io.foleystream.topology.generator.WindowFeaturizer;
import io.foleystream.topology.generator.WindowPlanner;
import io.foleystream.topology.generator.WindowTails;
import io.foleystream.topology.operations.Health;
import io.foleystream.topology.operations.LagMeters;
import io.foleystream.topology.operations.OperationsServer;
import io.foleystream.topology.operations.PipelineMetrics;
import io.foleystream.topology.operations.TopicProvisioner;
import io.foleystream.topology.records.AvroSerdes;
import io.foleystream.topology.records.ControlBounds;
import io.foleystream.topology.records.DeadLetters;
import io.foleystream.topology.records.PayloadFetcher;
import io.foleystream.topology.records.ReferencePolicy;
import io.foleystream.topology.records.TimelineBounds;
import io.foleystream.topology.records.TopicNames;
import io.foleystream.topology.timeline.StreamTimeline;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The foleystream application: the window assembler (a Kafka Streams application) and the
 * generation loop, each optional ({@code foleystream.roles}), with their metrics, health and
 * operations endpoints. The public entry point of the {@code topology} package.
 *
 * <p>At start it registers the schemas of every subject it writes (or, with {@code
 * auto.register.schemas=false}, checks that the registry holds them),
 * creates missing topics, opens the model set (generator), and starts both parts. {@link
 * #close()} shuts down gracefully: the running generation batch finishes and commits, then the
 * Streams instance closes.
 */
public final class FoleystreamApp implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FoleystreamApp.class);
  /** Synthetic frames per branch that warm up the frame preprocessing's compiled code. */
  private static final int WARM_UP_FRAMES = 8;
  /** Application id when the configuration sets none. */
  public static final String DEFAULT_APPLICATION_ID = "foleystream";
  /** Largest failed record value that a dead letter repeats inline (larger ones by reference). */
  static final int DEAD_LETTER_INLINE_BYTES = 512 * 1024;

  private final FoleystreamConfig config;
  private final PrometheusMeterRegistry registry;
  private final PipelineMetrics metrics;
  private final TopicNames topics;
  private final Duration shutdownTimeout;
  private KafkaStreams streams;
  private FoleyEngine engine;
  private GenerationDriver loop;
  private Thread loopThread;
  private WindowFeaturizer featurizer;
  private FeaturePrefetcher prefetcher;
  private OperationsServer http;
  private KafkaClientMetrics consumerMetrics;
  private KafkaConsumer<String, GeneratorState> tailConsumer;
  private KafkaStreamsMetrics streamsMetrics;
  private ControlView controls;
  private final LagMeters lagMeters;
  private volatile boolean closing;
  private ModelLoadListener loading = ModelLoadListener.NONE;

  private FoleystreamApp(FoleystreamConfig config) {
    this.config = config;
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    this.metrics = new PipelineMetrics(registry);
    this.lagMeters = new LagMeters(registry);
    this.topics = TopicNames.from(config);
    this.shutdownTimeout = Duration.ofMillis(config.longValue(ConfigKeys.SHUTDOWN_TIMEOUT_MS));
  }

  /**
   * Starts the application.
   *
   * @param config the configuration
   * @return the running application
   * @throws ConfigException if a setting is missing or wrong
   * @throws IllegalStateException if the topics or the model set are not usable
   */
  public static FoleystreamApp start(FoleystreamConfig config) {
    return start(config, ModelLoadListener.NONE);
  }

  /**
   * Starts the application, telling a listener how the opening of the model set goes (a
   * generator's start hashes gigabytes and creates six sessions).
   *
   * @param config the configuration
   * @param loading told about the bytes hashed and the sessions created
   * @return the running application
   * @throws ConfigException if a setting is missing or wrong
   * @throws IllegalStateException if the topics or the model set are not usable
   */
  public static FoleystreamApp start(FoleystreamConfig config,
      ModelLoadListener loading) {
    FoleystreamApp app = new FoleystreamApp(config);
    app.loading = loading;
    try {
      app.startParts();
      return app;
    } catch (RuntimeException e) {
      app.close();
      throw e;
    }
  }

  private void startParts() {
    Set<String> roles = roles();
    Map<String, Object> kafka = kafkaConfig();
    String applicationId = (String) kafka.get(StreamsConfig.APPLICATION_ID_CONFIG);
    registerSubjects(kafka, applicationId);
    try (Admin admin = Admin.create(only(kafka, AdminClientConfig.configNames(), "admin."))) {
      TopicProvisioner.ensure(admin, topics, config.intValue(ConfigKeys.TOPIC_PARTITIONS),
          (short) config.intValue(ConfigKeys.TOPIC_REPLICATION),
          config.booleanValue(ConfigKeys.TOPIC_CREATE));
    }
    if (roles.contains("generator")) {
      startGenerator(kafka, applicationId);
    }
    if (roles.contains("assembler")) {
      startAssembler(kafka);
    }
    int port = config.intValue(ConfigKeys.HTTP_PORT);
    if (port >= 0) {
      try {
        http = new OperationsServer(config.required(ConfigKeys.HTTP_HOST), port, registry,
            this::health);
        LOG.info("metrics on http://{}:{}{}, health on {} and {}",
            config.required(ConfigKeys.HTTP_HOST), http.port(), OperationsServer.METRICS_PATH, OperationsServer.LIVENESS_PATH,
            OperationsServer.READINESS_PATH);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot serve the operations endpoints on port " + port,
            e);
      }
    }
  }

  private Set<String> roles() {
    Set<String> roles = new LinkedHashSet<>();
    for (String role : config.required(ConfigKeys.ROLES).split(",")) {
      String r = role.trim().toLowerCase(Locale.ROOT);
      if (!r.equals("assembler") && !r.equals("generator")) {
        throw new ConfigException(ConfigKeys.ROLES.name() + ": unknown role '" + role
            + "' (assembler, generator)");
      }
      roles.add(r);
    }
    return roles;
  }

  /** The pass-through settings with the application's defaults for what they leave out. */
  private Map<String, Object> kafkaConfig() {
    Map<String, Object> kafka = new HashMap<>(config.passThrough());
    kafka.putIfAbsent(StreamsConfig.APPLICATION_ID_CONFIG, DEFAULT_APPLICATION_ID);
    kafka.putIfAbsent(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    // Window tasks carry their chunks: a window of 2 s chunks of 1080p video is several MB.
    kafka.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
        TopicNames.LARGE_RECORD_BYTES);
    kafka.putIfAbsent(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, TopicNames.LARGE_RECORD_BYTES);
    kafka.putIfAbsent("processing.exception.handler.global.enabled", true);
    for (String required : List.of(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG,
        "schema.registry.url")) {
      if (kafka.get(required) == null) {
        throw new ConfigException(required + " must be set (environment variable "
            + ConfigKeys.environmentVariableFor(required) + ")");
      }
    }
    return kafka;
  }

  /**
   * Registers every subject the application writes, or checks them when auto-registration is
   * off; compatibility levels that someone set are left alone ({@link SubjectRegistrar}).
   */
  private void registerSubjects(Map<String, Object> kafka, String applicationId) {
    AvroSerdeConfig serdes = AvroSerdeConfig.from(kafka, false);
    SubjectRegistrar registrar = new SubjectRegistrar(SchemaRegistries.fromConfigs(kafka),
        serdes.autoRegisterSchemas(), serdes.useLatestVersion());
    SubjectNameStrategy strategy = serdes.subjectNameStrategy();
    Map<String, Schema> written = new java.util.LinkedHashMap<>();
    written.put(topics.windowTasks(), WindowTask.getClassSchema());
    written.put(topics.audio(), AudioChunk.getClassSchema());
    written.put(topics.deadLetters(), DeadLetter.getClassSchema());
    written.put(topics.windowTails(), GeneratorState.getClassSchema());
    AssemblerStores stores = AssemblerStores.DEFAULT;
    written.put(changelog(applicationId, stores.assemblies()), StreamAssembly.getClassSchema());
    written.put(changelog(applicationId, stores.chunks()), VideoChunk.getClassSchema());
    written.put(changelog(applicationId, stores.controls()), StreamControl.getClassSchema());
    written.forEach((topic, schema) ->
        registrar.register(strategy.subjectName(topic, false, schema), schema));
  }

  private static String changelog(String applicationId, String store) {
    return applicationId + "-" + store + "-changelog";
  }

  private void startAssembler(Map<String, Object> kafka) {
    AssemblerSettings settings = assemblerSettings();
    var topology = AssemblerTopology.build(topics, settings, timelineBounds(), controlBounds(),
        kafka, DEAD_LETTER_INLINE_BYTES, metrics);
    streams = new KafkaStreams(topology, new StreamsConfig(kafka));
    streams.setUncaughtExceptionHandler(e -> {
      LOG.error("assembler thread failed, replacing it (the record is read again from the last"
          + " commit): {}", DeadLetters.messages(e));
      return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    streamsMetrics = new KafkaStreamsMetrics(streams);
    streamsMetrics.bindTo(registry);
    streams.start();
    LOG.info("assembler started: {} -> {} (window {} ms, hop {} ms, grace {} ms, gaps {})",
        topics.video(), topics.windowTasks(), settings.durationMicros() / 1000,
        settings.defaultHopMicros() / 1000, settings.graceMicros() / 1000, settings.gapPolicy());
  }

  private AssemblerSettings assemblerSettings() {
    GapPolicy policy = config.enumValue(ConfigKeys.WINDOW_GAP_POLICY, GapPolicy.class);
    if (policy != GapPolicy.NEAREST_FRAME && policy != GapPolicy.SILENCE) {
      throw new ConfigException(ConfigKeys.WINDOW_GAP_POLICY.name() + ": " + policy
          + " is not supported; use NEAREST_FRAME or SILENCE");
    }
    Integer steps = config.optionalInt(ConfigKeys.STEPS);
    Double cfg = config.optionalDouble(ConfigKeys.CFG);
    if (engine != null) {
      var defaults = engine.modelSet().manifest().sampler();
      steps = steps != null ? steps : defaults.steps();
      cfg = cfg != null ? cfg : defaults.cfgStrength();
    } else if (steps == null || cfg == null) {
      throw new ConfigException("an assembler without a generator needs "
          + ConfigKeys.STEPS.name() + " and " + ConfigKeys.CFG.name()
          + " (the generator takes them from its model set)");
    }
    long duration = config.longValue(ConfigKeys.WINDOW_DURATION_MS) * 1000;
    try {
      return new AssemblerSettings(duration, config.longValue(ConfigKeys.WINDOW_HOP_MS) * 1000,
          config.longValue(ConfigKeys.WINDOW_GRACE_MS) * 1000, policy,
          config.longValue(ConfigKeys.STREAM_IDLE_TIMEOUT_MS),
          config.string(ConfigKeys.PROMPT), config.string(ConfigKeys.NEGATIVE_PROMPT),
          config.longValue(ConfigKeys.SEED), steps, cfg,
          config.longValue(ConfigKeys.COVERAGE_TOLERANCE_MS) * 1000,
          config.longValue(ConfigKeys.STREAM_RETENTION_MS), audioGrid());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }

  /**
   * The window durations this generator's streams start with by default: the set's own, and
   * the ramp-up windows of a live stream at the default hop.
   */
  private List<Double> warmUpDurations() {
    List<Double> durations = new ArrayList<>(List.of(engine.modelSet().manifest().durationS()));
    AssemblerSettings settings = assemblerSettings();
    StreamTimeline timeline = settings.timeline(null, 0);
    if (timeline.mode() == WindowMode.LIVE && settings.audio().rampUp()) {
      long hop = timeline.hopSamples(settings.hopMicros(null));
      for (long g = timeline.firstGridOffsetSamples(hop, true); g < 0; g += hop) {
        durations.add(timeline.window(g).length() / (double) timeline.sampleRate());
      }
    }
    return durations;
  }

  /**
   * The audio grid windows are placed on: the model set's where this process generates, the
   * configured (or 16 kHz) one for an assembler alone.
   */
  private AssemblerSettings.AudioGrid audioGrid() {
    Integer configuredRate = config.optionalInt(ConfigKeys.WINDOW_SAMPLE_RATE);
    Integer configuredFrame = config.optionalInt(ConfigKeys.WINDOW_LATENT_FRAME_SAMPLES);
    int rate = engine != null ? engine.sampleRate()
        : configuredRate != null ? configuredRate : 16_000;
    int frame = engine != null ? engine.samplesPerLatentFrame()
        : configuredFrame != null ? configuredFrame : 512;
    Integer margin = config.optionalInt(ConfigKeys.WINDOW_MARGIN_MS);
    long marginMicros = margin == null
        ? -Math.floorDiv(-DecoderMargin.defaultSamples(frame) * 1_000_000L, rate)
        : margin * 1000L;
    return new AssemblerSettings.AudioGrid(rate, frame,
        config.enumValue(ConfigKeys.WINDOW_MODE, WindowMode.class), marginMicros,
        config.booleanValue(ConfigKeys.WINDOW_RAMP_UP));
  }

  private TimelineBounds timelineBounds() {
    try {
      return new TimelineBounds(config.longValue(ConfigKeys.MAX_CHUNK_DURATION_MS) * 1000,
          config.longValue(ConfigKeys.MAX_PTS_JUMP_MS) * 1000,
          config.longValue(ConfigKeys.MAX_ORIGIN_DISTANCE_MS) * 1000,
          config.intValue(ConfigKeys.MAX_WINDOWS_PER_RECORD),
          config.intValue(ConfigKeys.MAX_WINDOWS_PER_PUNCTUATION));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }

  private ControlBounds controlBounds() {
    try {
      return new ControlBounds(config.intValue(ConfigKeys.CONTROL_MAX_PROMPT_BYTES),
          config.intValue(ConfigKeys.CONTROL_MAX_STEPS),
          config.optionalDouble(ConfigKeys.CONTROL_MIN_CFG),
          config.optionalDouble(ConfigKeys.CONTROL_MAX_CFG));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }

  private RetryBudget retryBudget() {
    try {
      return new RetryBudget(config.intValue(ConfigKeys.RETRY_ATTEMPTS),
          config.longValue(ConfigKeys.RETRY_BUDGET_MS));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }

  private DecoderSettings decoderSettings() {
    try {
      DecoderSettings media = DecoderSettings.from(config);
      return new DecoderSettings(config.intValue(ConfigKeys.DECODER_MAX_WIDTH),
          config.intValue(ConfigKeys.DECODER_MAX_HEIGHT),
          config.longValue(ConfigKeys.DECODER_MAX_SOURCE_PIXELS),
          config.intValue(ConfigKeys.DECODER_MAX_FRAMES),
          config.longValue(ConfigKeys.DECODER_MAX_BYTES),
          config.longValue(ConfigKeys.DECODER_STALL_TIMEOUT_MS), media.timingToleranceUs(),
          media.colour(), media.grid(), media.decoder(), media.threads());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }


  private void startGenerator(Map<String, Object> kafka, String applicationId) {
    Path models = Path.of(config.required(ConfigKeys.MODELS));
    RuntimeOptions options = RuntimeOptions.defaults()
        .withProvider(ProviderChoice.parse(config.required(ConfigKeys.PROVIDER)))
        .withThreads(config.intValue(ConfigKeys.THREADS), 1);
    engine = FoleyEngine.open(models, options, true, loading);
    long setDurationMs = Math.round(engine.modelSet().manifest().durationS() * 1000);
    if (setDurationMs != config.longValue(ConfigKeys.WINDOW_DURATION_MS)) {
      throw new ConfigException(ConfigKeys.WINDOW_DURATION_MS.name() + " is "
          + config.longValue(ConfigKeys.WINDOW_DURATION_MS) + " ms but the model set's windows"
          + " are " + setDurationMs + " ms");
    }
    if (config.booleanValue(ConfigKeys.WARM_UP)) {
      List<Double> durations = warmUpDurations();
      long nanos = EngineWarmUp.run(engine, durations);
      try {
        ChunkDecoder.warmUp();
        PreprocessingWarmUp.run(WARM_UP_FRAMES);
      } catch (MediaException e) {
        throw new ConfigException("GStreamer cannot decode video: " + e.getMessage(), e);
      }
      LOG.info("engine warmed up at {} window duration(s) {} s in {} ms", durations.size(),
          durations, nanos / 1_000_000);
    }
    engine.providers().forEach((graph, provider) -> Gauge.builder(
        "foleystream.execution.provider", () -> 1).tag("graph", graph.name().toLowerCase(
            Locale.ROOT)).tag("provider", provider).description("Execution provider of each"
            + " graph (value 1)").register(registry));
    int batchSize = config.intValue(ConfigKeys.BATCH_SIZE);
    if (batchSize < 1) {
      throw new ConfigException(ConfigKeys.BATCH_SIZE.name() + " must be at least 1");
    }
    String instance = instanceId();
    Map<String, Object> consumerConfig = only(kafka, ConsumerConfig.configNames(), "consumer.");
    consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, applicationId + "-generator");
    consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumerConfig.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumerConfig.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, batchSize);
    consumerConfig.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
        CooperativeStickyAssignor.class.getName());
    consumerConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, applicationId + "-generator-" + instance);
    Map<String, Object> producerConfig = only(kafka, ProducerConfig.configNames(), "producer.");
    producerConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG,
        applicationId + "-generator-" + instance);
    producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig,
        new ByteArrayDeserializer(), new ByteArrayDeserializer());
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig,
        new ByteArraySerializer(), new ByteArraySerializer());
    consumerMetrics = new KafkaClientMetrics(consumer);
    consumerMetrics.bindTo(registry);
    AvroSerdes serdes = new AvroSerdes(kafka);
    long cacheBytes = config.longValue(ConfigKeys.FEATURE_CACHE_BYTES);
    DecoderSettings decoding = decoderSettings();
    featurizer = new WindowFeaturizer(engine, new PayloadFetcher(ReferencePolicy.from(config,
        decoding.maxChunkBytes())), decoding,
        cacheBytes > 0 ? new FrameFeatureCache(engine, cacheBytes) : null);
    boolean prefetch = config.booleanValue(ConfigKeys.PREFETCH);
    prefetcher = new FeaturePrefetcher(featurizer, prefetch ? 2 * batchSize : 0);
    WindowBatchGenerator generator = new WindowBatchGenerator(engine, prefetcher,
        new AudioChunker(config.enumValue(ConfigKeys.AUDIO_ENCODING, SampleEncoding.class),
            config.longValue(ConfigKeys.CROSSFADE_MS) * 1000,
            config.longValue(ConfigKeys.WINDOW_DECLICK_MS) * 1000,
            engine.samplesPerLatentFrame()), metrics);
    Map<String, Object> restoreConfig = only(kafka, ConsumerConfig.configNames(), "consumer.");
    restoreConfig.remove(ConsumerConfig.GROUP_ID_CONFIG);
    restoreConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    restoreConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    restoreConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, applicationId + "-tails-" + instance);
    tailConsumer = new KafkaConsumer<>(restoreConfig, new StringDeserializer(),
        serdes.value(GeneratorState.class).deserializer());
    WindowTails tails = new WindowTails(WindowTails.fromTopic(tailConsumer,
        topics.windowTails()));
    OutputRecords output = new OutputRecords(topics, new OutputRecords.Codecs(
        serdes.value(WindowTask.class).deserializer(), serdes.value(AudioChunk.class)
            .serializer(), serdes.value(DeadLetter.class).serializer(),
        serdes.value(VideoChunk.class).serializer(),
        serdes.value(GeneratorState.class).serializer()),
        new DeadLetters(DEAD_LETTER_INLINE_BYTES),
        metrics);
    Map<String, Object> controlConfig = new HashMap<>(restoreConfig);
    controlConfig.put(ConsumerConfig.CLIENT_ID_CONFIG, applicationId + "-control-" + instance);
    controls = new ControlView(new KafkaConsumer<>(controlConfig, new StringDeserializer(),
        new ByteArrayDeserializer()), serdes.value(StreamControl.class).deserializer(),
        topics.control());
    controls.catchUp();
    controls.follow();
    DeadlinePolicy deadlines = deadlinePolicy();
    WindowPlanner planner = planner(controls, deadlines);
    loop = new GenerationDriver(consumer, producer, topics, generator, output, tails, metrics,
        new BatchPolicy(batchSize, prefetch ? batchSize : 0,
            config.longValue(ConfigKeys.BATCH_WAIT_MS),
            deadlines.order(controls::latest, System::currentTimeMillis)),
        System::currentTimeMillis, planner, new LagTracker(planner, lagMeters), retryBudget(),
        config.longValue(ConfigKeys.STREAM_RETENTION_MS));
    loopThread = new Thread(loop, "foleystream-generation");
    loopThread.start();
    LOG.info("generator started: {} -> {} with model set {} ({}, {} weights), batches of up to"
        + " {}", topics.windowTasks(), topics.audio(), models,
        engine.modelSet().manifest().variant(), engine.modelSet().manifest().weights(),
        batchSize);
  }

  private DeadlinePolicy deadlinePolicy() {
    try {
      return new DeadlinePolicy(config.longValue(ConfigKeys.DEADLINE_BUDGET_MS),
          config.enumValue(ConfigKeys.DEADLINE_POLICY, DeadlineAction.class));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(ConfigKeys.DEADLINE_BUDGET_MS.name() + ": " + e.getMessage(), e);
    }
  }

  /** Settings at generation time: the latest control record, the defaults for its nulls. */
  private WindowPlanner planner(ControlView view, DeadlinePolicy deadlines) {
    var sampler = engine.modelSet().manifest().sampler();
    Integer steps = config.optionalInt(ConfigKeys.STEPS);
    Double cfg = config.optionalDouble(ConfigKeys.CFG);
    WindowPlanner.Defaults defaults = new WindowPlanner.Defaults(
        config.string(ConfigKeys.PROMPT), config.string(ConfigKeys.NEGATIVE_PROMPT),
        config.longValue(ConfigKeys.SEED), steps != null ? steps : sampler.steps(),
        cfg != null ? cfg : sampler.cfgStrength(),
        config.booleanValue(ConfigKeys.MASK_AWAY_CLIP));
    return new WindowPlanner(view::latest, defaults, deadlines, decision -> {
      if (decision.skipped()) {
        lagMeters.skipped(decision.action().name());
      } else if (decision.degraded()) {
        lagMeters.degraded(decision.action().name(), decision.steps());
      }
    });
  }

  private String instanceId() {
    String configured = config.string(ConfigKeys.INSTANCE_ID);
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "local";
    }
  }

  /** The settings a client knows, plus those given with its prefix (prefix removed). */
  private static Map<String, Object> only(Map<String, Object> all, Set<String> known,
      String prefix) {
    Map<String, Object> out = new HashMap<>();
    all.forEach((k, v) -> {
      if (known.contains(k)) {
        out.put(k, v);
      }
    });
    all.forEach((k, v) -> {
      if (k.startsWith(prefix) && known.contains(k.substring(prefix.length()))) {
        out.put(k.substring(prefix.length()), v);
      }
    });
    return out;
  }

  /**
   * The application's health now.
   *
   * @return the health
   */
  public Health health() {
    long maxLag = config.longValue(ConfigKeys.HEALTH_MAX_LAG_MS);
    return new Health(streams == null ? null : streams.state(),
        loop == null ? null : loop.state().name(), closing,
        loop != null && maxLag > 0 && lagMeters.maxLagMillis() > maxLag);
  }

  /**
   * Whether a part stopped on an error it cannot get past (the generator out of memory, fenced,
   * not authorized): the process should exit so that it is restarted.
   *
   * @return true once a part failed for good
   */
  public boolean failed() {
    return loop != null && loop.state() == GenerationDriver.State.FAILED;
  }

  /**
   * The application's meters.
   *
   * @return the metrics
   */
  public PipelineMetrics metrics() {
    return metrics;
  }

  /**
   * The registry of every meter (for tests and the demo's report).
   *
   * @return the registry
   */
  public MeterRegistry meterRegistry() {
    return registry;
  }

  /**
   * The port of the operations endpoints.
   *
   * @return the port, or -1 when they are off
   */
  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  /**
   * The engine's execution provider per graph, for reports.
   *
   * @return graph name to provider, empty without a generator
   */
  public Map<String, String> providers() {
    Map<String, String> out = new java.util.TreeMap<>();
    if (engine != null) {
      engine.providers().forEach((g, p) -> out.put(g.name().toLowerCase(Locale.ROOT), p));
    }
    return out;
  }

  /** Stops gracefully: the running batch commits, then the assembler closes. */
  @Override
  public void close() {
    closing = true;
    if (loop != null) {
      loop.stop();
      try {
        loopThread.join(shutdownTimeout.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (loopThread.isAlive()) {
        LOG.warn("the generation batch did not finish within {}; it will be generated again"
            + " after restart", shutdownTimeout);
      }
    }
    if (streams != null) {
      // Leave the group at once, so that the remaining instances take over the partitions now
      // rather than after the session timeout.
      streams.close(CloseOptions.groupMembershipOperation(
          CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(30)));
      streamsMetrics.close();
    }
    if (consumerMetrics != null) {
      consumerMetrics.close();
    }
    if (http != null) {
      http.close();
    }
    if (controls != null) {
      controls.close();
    }
    if (tailConsumer != null && (loopThread == null || !loopThread.isAlive())) {
      tailConsumer.close();
    }
    if (prefetcher != null && (loopThread == null || !loopThread.isAlive())) {
      prefetcher.close();
    }
    if (featurizer != null && (loopThread == null || !loopThread.isAlive())) {
      featurizer.close();
    }
    if (engine != null && (loopThread == null || !loopThread.isAlive())) {
      engine.close();
    }
    registry.close();
  }
}
