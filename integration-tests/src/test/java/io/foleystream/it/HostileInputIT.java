package io.foleystream.it;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.devstack.ApicurioRegistryServer;
import io.foleystream.devstack.EmbeddedKafkaBroker;
import io.foleystream.media.MediaChunk;
import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.DeadLetter;
import io.foleystream.schemas.GapPolicy;
import io.foleystream.schemas.PayloadReference;
import io.foleystream.schemas.StreamControl;
import io.foleystream.schemas.StreamState;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.WindowTask;
import io.foleystream.schemas.registry.InMemorySchemaRegistry;
import io.foleystream.schemas.serde.SpecificAvroSerde;
import io.foleystream.schemas.serde.WireFormat;
import io.foleystream.topology.FoleystreamApp;
import io.foleystream.topology.assembler.AssemblerSettings;
import io.foleystream.topology.assembler.AssemblerTopology;
import io.foleystream.topology.operations.PipelineMetrics;
import io.foleystream.topology.records.ControlBounds;
import io.foleystream.topology.records.TimelineBounds;
import io.foleystream.topology.records.TopicNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A seeded mutation fuzzer over valid {@link VideoChunk} and {@link StreamControl} records,
 * through the assembler's real topology (decoders, validators, window assembler, stores) in
 * process: no exception escapes, every rejected record is exactly one dead letter, the streams
 * that send only good records get every window exactly once, and the heap stays bounded.
 * {@code -Dfuzz.cases=N} sets the number of cases (2,000 by default), {@code -Dfuzz.seed=S} the
 * seed. A subset ({@code -Dfuzz.broker.cases=N}, 40 by default) goes through the real broker,
 * registry and generator next to a good stream, whose audio must stay complete and exactly once.
 */
@ExtendWith(DevStackExtension.class)
class HostileInputIT {

  private static final long S = 1_000_000L;
  private static final String SCOPE = "hostile-input-it";
  private static final TopicNames TOPICS = new TopicNames("video", "control", "audio", "dlq",
      "tasks", "tails");
  private static final List<String> GOOD = List.of("good-a", "good-b");
  private static final int GOOD_CHUNKS = 12;
  private static final int FUZZ_STREAMS = 6;
  private static final long HEAP_BOUND_BYTES = 768L << 20;

  private final Map<String, String> serdeConfig = Map.of("schema.registry.url", "mock://" + SCOPE);
  private TopologyTestDriver driver;

  @AfterEach
  void stop() {
    if (driver != null) {
      driver.close();
    }
    InMemorySchemaRegistry.dropScope(SCOPE);
  }

  private <T extends SpecificRecord> SpecificAvroSerde<T> serde(Class<T> type) {
    SpecificAvroSerde<T> serde = new SpecificAvroSerde<>(type);
    serde.configure(serdeConfig, false);
    return serde;
  }

  /** What the fuzzer sent, to check the dead letters against. */
  private static final class Sent {
    int video;
    int control;
    final Set<Long> controlsKnownBad = new HashSet<>();
  }

  @Test
  void mutatedRecordsAreDeadLetteredOnceAndGoodStreamsStayCompleteAndExactlyOnce() {
    int cases = Integer.getInteger("fuzz.cases", 2_000);
    long seed = Long.getLong("fuzz.seed", 20261205L);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "hostile-input-it");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, PipelineHarness.tempDir("fuzz").toString());
    AssemblerSettings settings = new AssemblerSettings(8 * S, 8 * S, 2 * S,
        GapPolicy.NEAREST_FRAME, 30_000, "", "", 42, 25, 4.5);
    driver = new TopologyTestDriver(AssemblerTopology.build(TOPICS, settings,
        TimelineBounds.defaults(), ControlBounds.defaults(), serdeConfig, 64 * 1024,
        new PipelineMetrics(meters)), props);
    TestInputTopic<String, byte[]> video = driver.createInputTopic("video",
        Serdes.String().serializer(), new ByteArraySerializer());
    TestInputTopic<String, byte[]> control = driver.createInputTopic("control",
        Serdes.String().serializer(), new ByteArraySerializer());
    TestOutputTopic<byte[], DeadLetter> dlq = driver.createOutputTopic("dlq",
        Serdes.ByteArray().deserializer(), serde(DeadLetter.class).deserializer());
    TestOutputTopic<String, WindowTask> tasks = driver.createOutputTopic("tasks",
        Serdes.String().deserializer(), serde(WindowTask.class).deserializer());
    SpecificAvroSerde<VideoChunk> chunks = serde(VideoChunk.class);
    SpecificAvroSerde<StreamControl> controls = serde(StreamControl.class);

    Fuzzer fuzzer = new Fuzzer(new Random(seed), c -> chunks.serializer().serialize("video", c),
        c -> controls.serializer().serialize("control", c));
    Sent sent = new Sent();
    List<WindowTask> emitted = new ArrayList<>();
    List<DeadLetter> letters = new ArrayList<>();
    int goodEvery = Math.max(1, cases / (GOOD_CHUNKS + 1));
    int goodSent = 0;
    for (int i = 0; i < cases; i++) {
      if (i % goodEvery == 0 && goodSent < GOOD_CHUNKS) {
        for (String stream : GOOD) {
          VideoChunk good = chunk(stream, goodSent, 1_000 * S + goodSent * 2 * S,
              goodSent == GOOD_CHUNKS - 1);
          video.pipeInput(stream, chunks.serializer().serialize("video", good));
          sent.video++;
        }
        goodSent++;
      }
      Fuzzer.Case c = fuzzer.next();
      String context = "case " + i + " (seed " + seed + "): " + c.description();
      if (c.control() != null || c.controlBytes() != null) {
        byte[] bytes = c.controlBytes() != null ? c.controlBytes()
            : controls.serializer().serialize("control", c.control());
        if (c.control() != null && c.controlBytes() == null && ControlBounds.defaults()
            .problem(c.key(), c.control()) != null) {
          sent.controlsKnownBad.add((long) sent.control);
        }
        assertDoesNotThrow(() -> control.pipeInput(c.key(), bytes), context);
        sent.control++;
      } else {
        byte[] bytes = c.chunkBytes() != null ? c.chunkBytes()
            : chunks.serializer().serialize("video", c.chunk());
        assertDoesNotThrow(() -> video.pipeInput(c.key(), bytes), context);
        sent.video++;
      }
      if (i % 100 == 99) {
        driver.advanceWallClockTime(Duration.ofSeconds(1));
      }
      emitted.addAll(tasks.readValuesToList());
      letters.addAll(dlq.readValuesToList());
    }
    emitted.addAll(tasks.readValuesToList());
    letters.addAll(dlq.readValuesToList());

    Map<String, Set<Long>> seen = new HashMap<>();
    for (DeadLetter letter : letters) {
      assertTrue(seen.computeIfAbsent(letter.getSourceTopic(), t -> new HashSet<>())
          .add(letter.getSourceOffset()), "one dead letter per record: " + letter);
    }
    double received = meters.find("foleystream.chunks.received").counter().count();
    long videoLetters = seen.getOrDefault("video", Set.of()).size();
    assertEquals(sent.video, videoLetters + (long) received,
        "every chunk is either received by the assembler or dead-lettered, never both");
    assertTrue(seen.getOrDefault("control", Set.of()).containsAll(sent.controlsKnownBad),
        "every control record outside the bounds is dead-lettered");
    assertTrue(videoLetters > cases / 10, "the fuzzer produces rejects: " + videoLetters);

    for (String stream : GOOD) {
      List<Long> indexes = emitted.stream().filter(t -> t.getStreamId().equals(stream))
          .map(WindowTask::getWindowIndex).toList();
      long expected = (GOOD_CHUNKS * 2 + 7) / 8;
      assertEquals(java.util.stream.LongStream.range(0, expected).boxed().toList(), indexes,
          stream + "'s windows, each once and in order");
    }
    long fuzzWindows = emitted.stream().filter(t -> !GOOD.contains(t.getStreamId())).count();
    assertTrue(fuzzWindows <= (long) cases * TimelineBounds.defaults().maxWindowsPerRecord(),
        "window emission stays bounded: " + fuzzWindows);
    System.gc();
    long used = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    assertTrue(used < HEAP_BOUND_BYTES, "heap in use after the run: " + (used >> 20) + " MiB");
    System.out.printf("fuzz: %d cases (seed %d), %d chunks and %d control records sent, %d dead"
        + " letters, %d windows, heap %d MiB%n", cases, seed, sent.video, sent.control,
        letters.size(), emitted.size(), used >> 20);
  }

  @Test
  void hostileRecordsThroughTheBrokerLeaveAGoodStreamCompleteAndExactlyOnce(
      EmbeddedKafkaBroker broker, ApicurioRegistryServer registry) throws Exception {
    int cases = Integer.getInteger("fuzz.broker.cases", 40);
    long seed = Long.getLong("fuzz.seed", 20261205L);
    PipelineHarness harness = new PipelineHarness(broker, registry, "it-hostile");
    List<MediaChunk> clip = PipelineHarness.clip(16);
    try (FoleystreamApp app = FoleystreamApp.start(harness.config(
        PipelineHarness.tempDir("hostile"), 2, 2, Map.of()));
        KafkaProducer<String, byte[]> producer = harness.rawProducer()) {
      Fuzzer fuzzer = new Fuzzer(new Random(seed),
          c -> harness.encode(harness.videoTopic(), c),
          c -> harness.encode(harness.controlTopic(), c));
      // The issue's own records: an origin a year back, a chunk a day later, one lasting
      // 10^15 us, one at Long.MAX - 1000, a reference to a file of the host.
      harness.sendControl(producer, StreamControl.newBuilder().setStreamId("year-back")
          .setOriginPtsMicros(-365L * 86_400 * S).build());
      List<VideoChunk> issue = List.of(chunk("year-back", 0, 0, false),
          chunk("year-back", 1, 2 * S, true),
          chunk("day-later", 0, 0, false), chunk("day-later", 1, 86_400 * S, true),
          VideoChunk.newBuilder(chunk("long", 0, 0, true)).setDurationMicros(
              1_000_000_000_000_000L).build(),
          chunk("at-max", 0, Long.MAX_VALUE - 1000, true),
          VideoChunk.newBuilder(chunk("passwd", 0, 0, true)).setPayload(new PayloadReference(
              "file:///etc/passwd", 1000L, "00")).build());
      int videoSent = 0;
      for (VideoChunk c : issue) {
        producer.send(new ProducerRecord<>(harness.videoTopic(), c.getStreamId(),
            harness.encode(harness.videoTopic(), c))).get();
        videoSent++;
      }
      int every = Math.max(1, cases / clip.size());
      int camSent = 0;
      for (int i = 0; i < cases || camSent < clip.size(); i++) {
        if (i % every == 0 && camSent < clip.size()) {
          harness.sendChunks(producer, "cam", clip, camSent, ++camSent);
          videoSent++;
        }
        if (i >= cases) {
          continue;
        }
        Fuzzer.Case c = fuzzer.next();
        if (c.control() != null || c.controlBytes() != null) {
          producer.send(new ProducerRecord<>(harness.controlTopic(), c.key(),
              c.controlBytes() != null ? c.controlBytes()
                  : harness.encode(harness.controlTopic(), c.control()))).get();
        } else {
          producer.send(new ProducerRecord<>(harness.videoTopic(), c.key(),
              c.chunkBytes() != null ? c.chunkBytes()
                  : harness.encode(harness.videoTopic(), c.chunk()))).get();
          videoSent++;
        }
      }

      List<AudioChunk> audio = harness.audio(List.of("cam"), Duration.ofMinutes(3)).stream()
          .filter(a -> a.getStreamId().equals("cam"))
          .sorted(java.util.Comparator.comparingLong(AudioChunk::getPtsStartMicros)).toList();
      assertEquals(clip.size(), audio.size(), "every range of the good stream, exactly once");
      for (int i = 0; i < clip.size(); i++) {
        assertEquals(clip.get(i).startUs(), audio.get(i).getPtsStartMicros());
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      double accounted = 0;
      while (System.nanoTime() < deadline) {
        accounted = counter(app, "foleystream.chunks.received", null)
            + counter(app, "foleystream.dlq.records", "window-assembler");
        if (accounted >= videoSent) {
          break;
        }
        Thread.sleep(200);
      }
      assertEquals(videoSent, accounted, "each chunk received by the assembler or"
          + " dead-lettered there, never both");
      List<DeadLetter> letters = harness.deadLetters(Integer.MAX_VALUE, Duration.ofSeconds(5));
      Set<String> sources = new HashSet<>();
      for (DeadLetter letter : letters) {
        assertTrue(sources.add(letter.getSourceTopic() + "@" + letter.getSourcePartition() + "@"
            + letter.getSourceOffset()), "one dead letter per record: " + letter);
      }
      List<String> messages = letters.stream().map(DeadLetter::getErrorMessage).toList();
      for (String rule : List.of("max PTS jump", "max chunk duration", "PTS range",
          "not below a directory allowed by the reference policy")) {
        assertTrue(messages.stream().anyMatch(m -> m.contains(rule)), rule + " in " + messages);
      }
    }
  }

  private static double counter(FoleystreamApp app, String name, String stage) {
    var search = app.meterRegistry().find(name);
    if (stage != null) {
      search = search.tag("stage", stage);
    }
    return search.counters().stream().mapToDouble(c -> c.count()).sum();
  }

  static VideoChunk chunk(String stream, long sequence, long startUs, boolean end) {
    return VideoChunk.newBuilder().setStreamId(stream).setSequence(sequence)
        .setPtsStartMicros(startUs).setDurationMicros(2 * S).setMediaType("video/mp2t")
        .setPayload(ByteBuffer.wrap(new byte[] {0x47, (byte) sequence, 1, 2}))
        .setEndOfStream(end).build();
  }

  /** Seeded mutations of valid records: one field, or the wire bytes. */
  static final class Fuzzer {
    /**
     * One case: a record (typed, or as mutated wire bytes) and its key.
     */
    record Case(String key, VideoChunk chunk, byte[] chunkBytes, StreamControl control,
        byte[] controlBytes, String description) {}

    private final Random random;
    private final long[] nextSequence = new long[FUZZ_STREAMS];
    private final List<VideoChunk> history = new ArrayList<>();
    private final java.util.function.Function<VideoChunk, byte[]> encodeChunk;
    private final java.util.function.Function<StreamControl, byte[]> encodeControl;

    /**
     * @param random the seeded source of every choice
     * @param encodeChunk a chunk's wire bytes, for byte-level mutations
     * @param encodeControl a control record's wire bytes
     */
    Fuzzer(Random random, java.util.function.Function<VideoChunk, byte[]> encodeChunk,
        java.util.function.Function<StreamControl, byte[]> encodeControl) {
      this.random = random;
      this.encodeChunk = encodeChunk;
      this.encodeControl = encodeControl;
    }

    Case next() {
      int s = random.nextInt(FUZZ_STREAMS);
      String key = "fuzz-" + s;
      long sequence = nextSequence[s]++;
      VideoChunk valid = chunk(key, sequence, sequence * 2 * S, random.nextInt(50) == 0);
      int kind = random.nextInt(10);
      switch (kind) {
        case 0, 1, 2 -> {
          String what = mutateChunk(valid);
          history.add(valid);
          return new Case(key, valid, null, null, null, "chunk field: " + what);
        }
        case 3, 4 -> {
          byte[] bytes = mutateBytes(encodeChunk.apply(valid));
          return new Case(key, null, bytes, null, null, "chunk bytes");
        }
        case 5, 6 -> {
          StreamControl c = StreamControl.newBuilder().setStreamId(key).build();
          String what = mutateControl(c);
          return new Case(key, null, null, c, null, "control field: " + what);
        }
        case 7 -> {
          StreamControl c = StreamControl.newBuilder().setStreamId(key)
              .setPrompt("rain on a tin roof").setSteps(4).setCfgStrength(4.5).build();
          byte[] bytes = mutateBytes(encodeControl.apply(c));
          return new Case(key, null, null, null, bytes, "control bytes");
        }
        case 8 -> {
          if (!history.isEmpty()) {
            VideoChunk old = history.get(random.nextInt(history.size()));
            VideoChunk twin = VideoChunk.newBuilder(old).setPayload(ByteBuffer.wrap(
                new byte[] {0x47, (byte) random.nextInt(), 9})).build();
            return new Case(old.getStreamId(), twin, null, null, null, "conflicting twin");
          }
          history.add(valid);
          return new Case(key, valid, null, null, null, "valid");
        }
        default -> {
          history.add(valid);
          return new Case(key, valid, null, null, null, "valid");
        }
      }
    }

    private long extreme() {
      long[] values = {Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE - 1000, -1, 0,
          86_400 * S, -365L * 86_400 * S, 1_000_000_000_000_000L, random.nextLong(),
          TimelineBounds.PTS_LIMIT_MICROS, -TimelineBounds.PTS_LIMIT_MICROS - 1};
      return values[random.nextInt(values.length)];
    }

    private String mutateChunk(VideoChunk c) {
      switch (random.nextInt(9)) {
        case 0 -> c.setPtsStartMicros(extreme());
        case 1 -> c.setDurationMicros(extreme());
        case 2 -> c.setSequence(extreme());
        case 3 -> c.setStreamId("other-" + random.nextInt(3));
        case 4 -> c.setMediaType(random.nextBoolean() ? "video/avi" : "");
        case 5 -> c.setPayload(ByteBuffer.wrap(new byte[0]));
        case 6 -> c.setPayload(new PayloadReference(random.nextBoolean() ? "file:///etc/passwd"
            : "http://169.254.169.254/latest", random.nextBoolean() ? 0L : extreme(), "00"));
        case 7 -> c.setPtsStartMicros(c.getPtsStartMicros() + (random.nextBoolean() ? 1 : -1)
            * (61 + random.nextInt(100_000)) * S);
        default -> c.setEndOfStream(true);
      }
      return c.toString().length() > 200 ? c.toString().substring(0, 200) : c.toString();
    }

    private String mutateControl(StreamControl c) {
      switch (random.nextInt(7)) {
        case 0 -> c.setPrompt("x".repeat(random.nextInt(4096)));
        case 1 -> c.setSteps(random.nextInt());
        case 2 -> c.setCfgStrength(new double[] {-5, Double.NaN, Double.POSITIVE_INFINITY, 1e9,
            random.nextDouble() * 40 - 10}[random.nextInt(5)]);
        case 3 -> c.setWindowHopMicros(extreme());
        case 4 -> c.setOriginPtsMicros(extreme());
        case 5 -> c.setState(random.nextBoolean() ? StreamState.STOPPED : StreamState.STARTED);
        default -> c.setNegativePrompt("\u00e9".repeat(random.nextInt(2048)));
      }
      return c.toString().length() > 200 ? c.toString().substring(0, 200) : c.toString();
    }

    private byte[] mutateBytes(byte[] valid) {
      byte[] b = valid.clone();
      switch (random.nextInt(5)) {
        case 0 -> {
          for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
            int at = WireFormat.HEADER_LENGTH + random.nextInt(b.length - WireFormat.HEADER_LENGTH);
            b[at] ^= (byte) (1 << random.nextInt(8));
          }
        }
        case 1 -> b = java.util.Arrays.copyOf(b, random.nextInt(b.length));
        case 2 -> random.nextBytes(b);
        case 3 -> ByteBuffer.wrap(b).put(1, (byte) 0x7f);
        default -> {
          int at = WireFormat.HEADER_LENGTH + random.nextInt(b.length - WireFormat.HEADER_LENGTH);
          b[at] = (byte) random.nextInt();
        }
      }
      return b;
    }
  }
}
