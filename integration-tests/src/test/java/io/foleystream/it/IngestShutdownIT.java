package io.foleystream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.devstack.ApicurioRegistryServer;
import io.foleystream.devstack.EmbeddedKafkaBroker;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.serde.SpecificAvroDeserializer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code foleystream ingest} of a source that would run for ten minutes, stopped with SIGTERM (as
 * Ctrl-C or {@code docker compose stop} do): the process sends the chunk it was cutting marked
 * end of stream, flushes, and exits; the topic holds an unbroken sequence that ends there.
 */
@ExtendWith(DevStackExtension.class)
class IngestShutdownIT {

  private static final Path JAR = Path.of("..", "stream-app", "target", "foleystream.jar")
      .toAbsolutePath().normalize();
  private static final Pattern SENT = Pattern.compile("(\\d+) chunk\\(s\\) of stream cam sent");

  @Test
  void sigtermEndsTheStreamWithAnEndOfStreamChunk(EmbeddedKafkaBroker broker,
      ApicurioRegistryServer registry) throws Exception {
    assertTrue(Files.isRegularFile(JAR), "build the application first: " + JAR);
    String topic = "it.ingest.sigterm";
    Topics.create(broker, topic);
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path log = Files.createDirectories(Path.of("target")).resolve("ingest-sigterm.log");
    Process ingest = new ProcessBuilder(java.toString(), "-jar", JAR.toString(), "ingest",
        "--source", "test:320x240@25:600", "--stream-id", "cam", "--chunk-seconds", "1",
        "--real-time", "--bootstrap-servers", broker.bootstrapServers(), "--registry-url",
        registry.confluentApiUrl(), "--set", "foleystream.topic.video=" + topic)
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (!Files.readString(log).contains("chunk 1:") && ingest.isAlive()
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertTrue(ingest.isAlive(), "ingest ended before the signal: " + Files.readString(log));
    ingest.toHandle().destroy();
    assertTrue(ingest.waitFor(60, TimeUnit.SECONDS), "no exit after SIGTERM: "
        + Files.readString(log));
    List<String> lines = Files.readAllLines(log);

    int sent = lines.stream().map(SENT::matcher).filter(Matcher::find)
        .mapToInt(m -> Integer.parseInt(m.group(1))).findFirst()
        .orElseThrow(() -> new AssertionError("no summary line: " + lines));
    assertTrue(sent >= 3, lines.toString());
    assertTrue(lines.stream().anyMatch(l -> l.startsWith("chunk " + (sent - 1) + ":")
        && l.endsWith("(end of stream)")), lines.toString());

    SpecificAvroDeserializer<VideoChunk> deserializer =
        new SpecificAvroDeserializer<>(VideoChunk.class);
    deserializer.configure(Map.of("schema.registry.url", registry.confluentApiUrl()), false);
    List<ConsumerRecord<String, VideoChunk>> records =
        Topics.consume(broker, topic, deserializer, sent);
    assertEquals(sent, records.size(), "every chunk reported sent is on the topic");
    for (int i = 0; i < sent; i++) {
      VideoChunk chunk = records.get(i).value();
      assertEquals(i, chunk.getSequence());
      assertEquals(i == sent - 1, chunk.getEndOfStream(), "chunk " + i);
    }
  }
}
