package io.foleystream.topology.generator;

import io.foleystream.topology.records.ReferencePolicy;

import io.foleystream.topology.records.PayloadFetcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.schemas.DeadLetter;
import io.foleystream.schemas.PayloadReference;
import io.foleystream.topology.records.DeadLetters;
import io.foleystream.topology.records.Sha256;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PayloadAndDeadLetterTest {

  @TempDir
  Path dir;

  @Test
  void aReferencedPayloadIsReadAndCheckedAgainstItsSizeAndDigest() throws Exception {
    byte[] bytes = {1, 2, 3, 4};
    Path file = Files.write(dir.resolve("chunk.ts"), bytes);
    PayloadFetcher fetcher = new PayloadFetcher(new ReferencePolicy(java.util.Set.of("file"),
        java.util.Set.of(), java.util.List.of(dir), false, 1 << 20,
        java.time.Duration.ofSeconds(5), 0));
    String digest = Sha256.hex(bytes);
    assertArrayEquals(bytes, fetcher.bytes(new PayloadReference(file.toUri().toString(), 4L,
        digest)));
    assertArrayEquals(bytes, fetcher.bytes(ByteBuffer.wrap(bytes)));
    PayloadFetcher.PayloadException wrongSize = assertThrows(PayloadFetcher.PayloadException.class,
        () -> fetcher.bytes(new PayloadReference(file.toUri().toString(), 5L, digest)));
    assertTrue(wrongSize.recordAtFault());
    PayloadFetcher.PayloadException wrongDigest = assertThrows(
        PayloadFetcher.PayloadException.class, () -> fetcher.bytes(new PayloadReference(
            file.toUri().toString(), 4L, Sha256.hex(new byte[] {9}))));
    assertTrue(wrongDigest.getMessage().contains("SHA-256"), wrongDigest.getMessage());
    assertTrue(assertThrows(PayloadFetcher.PayloadException.class, () -> fetcher.bytes(
        new PayloadReference(dir.resolve("gone").toUri().toString(), 4L, digest)))
        .recordAtFault());
    assertTrue(assertThrows(PayloadFetcher.PayloadException.class, () -> fetcher.bytes(
        new PayloadReference("s3://bucket/key", 4L, digest))).recordAtFault());
  }

  @Test
  void aDeadLetterRepeatsSmallValuesAndReferencesLargeOnes() {
    DeadLetters letters = new DeadLetters(8);
    RecordHeaders headers = new RecordHeaders();
    headers.add("trace", new byte[] {7});
    DeadLetters.Source source = new DeadLetters.Source("video", 2, 40, 1000L);
    DeadLetter small = letters.of(source, new byte[] {'k'}, new byte[] {1, 2}, headers, "stage",
        new IllegalStateException("outer", new IllegalArgumentException("inner")));
    assertEquals(ByteBuffer.wrap(new byte[] {1, 2}), small.getValue());
    assertEquals("outer: caused by: inner", small.getErrorMessage());
    assertEquals("trace", small.getHeaders().get(0).getKey());
    assertEquals("video", small.getSourceTopic());
    assertEquals(2, small.getSourcePartition());
    assertEquals(40, small.getSourceOffset());
    assertEquals(java.time.Instant.ofEpochMilli(1000L), small.getSourceTimestamp());
    assertEquals(ByteBuffer.wrap(new byte[] {'k'}), small.getKey());
    assertEquals(ByteBuffer.wrap(new byte[] {7}), small.getHeaders().get(0).getValue());
    assertEquals("stage", small.getStage());
    assertEquals(IllegalStateException.class.getName(), small.getErrorClass());
    byte[] big = new byte[9];
    DeadLetter large = letters.of(source, null, big, null, "stage", new RuntimeException());
    PayloadReference ref = (PayloadReference) large.getValue();
    assertEquals("kafka://video/2/40", ref.getUri());
    assertEquals(9, ref.getSizeBytes());
    assertEquals(Sha256.hex(big), ref.getSha256());
    assertEquals("", large.getErrorMessage());
    assertFalse(large.getHeaders().iterator().hasNext());
  }
}
