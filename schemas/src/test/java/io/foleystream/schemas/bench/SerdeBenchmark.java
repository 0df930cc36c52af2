package io.foleystream.schemas.bench;

import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.SampleRecords;
import io.foleystream.schemas.StreamControl;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.WindowTask;
import io.foleystream.schemas.registry.InMemorySchemaRegistry;
import io.foleystream.schemas.registry.RestSchemaRegistry;
import io.foleystream.schemas.registry.SchemaRegistry;
import io.foleystream.schemas.serde.SpecificAvroSerde;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;

/**
 * Measures the serdes (serialize plus deserialize of one record, schema ids cached) for each record
 * type at realistic payload sizes, and, given a registry URL, the latency of uncached registry
 * calls. Not a test: run it by hand, see docs/benchmarks.md.
 *
 * <p>Arguments: {@code [registry-url]}.
 */
public final class SerdeBenchmark {

  private static final String TOPIC = "bench";
  private static final long WARMUP_NANOS = 2_000_000_000L;
  private static final long MEASURE_NANOS = 3_000_000_000L;

  private SerdeBenchmark() {
  }

  /**
   * Runs the benchmark and prints one line per measurement.
   *
   * @param args optionally the base URL of a Confluent-compatible registry API
   */
  public static void main(String[] args) {
    Random random = new Random(1);
    VideoChunk video = VideoChunk.newBuilder(SampleRecords.inlineChunk(0))
        .setPayload(ByteBuffer.wrap(bytes(random, 512 * 1024))).build();
    AudioChunk audio = AudioChunk.newBuilder(SampleRecords.audioChunk())
        .setPayload(ByteBuffer.wrap(bytes(random, 2 * 44_100 * 4))).build();
    WindowTask window = WindowTask.newBuilder(SampleRecords.windowTask())
        .setChunks(Collections.nCopies(4, video)).build();
    System.out.printf("%-14s %12s %12s %10s%n", "record", "bytes", "us/op", "MB/s");
    measure("StreamControl", SampleRecords.control(), StreamControl.class);
    measure("VideoChunk", video, VideoChunk.class);
    measure("AudioChunk", audio, AudioChunk.class);
    measure("WindowTask", window, WindowTask.class);
    if (args.length > 0) {
      registryLatency(args[0]);
    }
  }

  private static <T extends SpecificRecord> void measure(String name, T record, Class<T> type) {
    SpecificAvroSerde<T> serde = new SpecificAvroSerde<>(type, new InMemorySchemaRegistry());
    serde.configure(Map.of(), false);
    int size = serde.serializer().serialize(TOPIC, record).length;
    run(serde, record, WARMUP_NANOS);
    long[] result = run(serde, record, MEASURE_NANOS);
    double micros = result[0] / 1e3 / result[1];
    System.out.printf("%-14s %12d %12.1f %10.1f%n", name, size, micros, size / micros);
  }

  private static <T extends SpecificRecord> long[] run(SpecificAvroSerde<T> serde, T record,
      long nanos) {
    long start = System.nanoTime();
    long ops = 0;
    while (System.nanoTime() - start < nanos) {
      byte[] payload = serde.serializer().serialize(TOPIC, record);
      if (serde.deserializer().deserialize(TOPIC, payload) == null) {
        throw new IllegalStateException("lost a record");
      }
      ops++;
    }
    return new long[] {System.nanoTime() - start, ops};
  }

  private static void registryLatency(String url) {
    SchemaRegistry registry = RestSchemaRegistry.fromConfigs(Map.of("schema.registry.url", url));
    int id = registry.register("bench-value", VideoChunk.getClassSchema());
    List<Long> register = new ArrayList<>();
    List<Long> byId = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      long t0 = System.nanoTime();
      registry.register("bench-value", VideoChunk.getClassSchema());
      long t1 = System.nanoTime();
      registry.schemaById(id);
      long t2 = System.nanoTime();
      if (i >= 100) {
        register.add(t1 - t0);
        byId.add(t2 - t1);
      }
    }
    System.out.printf("registry register (already registered): median %.2f ms, p95 %.2f ms%n",
        percentile(register, 50), percentile(register, 95));
    System.out.printf("registry schema by id (uncached):       median %.2f ms, p95 %.2f ms%n",
        percentile(byId, 50), percentile(byId, 95));
  }

  private static double percentile(List<Long> nanos, int percent) {
    Long[] sorted = nanos.toArray(new Long[0]);
    Arrays.sort(sorted);
    return sorted[Math.min(sorted.length - 1, sorted.length * percent / 100)] / 1e6;
  }

  private static byte[] bytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }
}
