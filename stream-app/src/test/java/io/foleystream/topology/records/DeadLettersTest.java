package io.foleystream.topology.records;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.schemas.DeadLetter;
import io.foleystream.schemas.PayloadReference;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

  private static final DeadLetters.Source SOURCE =
      new DeadLetters.Source("video-chunks", 2, 17L, 1000L);

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }

  @Test
  void theDeadLetterSaysWhereTheRecordCameFromAndWhatRejectedIt() {
    Instant before = Instant.now();
    DeadLetter letter = new DeadLetters(16).of(SOURCE, "cam".getBytes(StandardCharsets.UTF_8),
        new byte[] {1, 2, 3}, null, "deserialize", new IllegalArgumentException("bad chunk"));
    assertEquals("video-chunks", letter.getSourceTopic());
    assertEquals(2, letter.getSourcePartition());
    assertEquals(17L, letter.getSourceOffset());
    assertEquals(Instant.ofEpochMilli(1000L), letter.getSourceTimestamp());
    assertArrayEquals("cam".getBytes(StandardCharsets.UTF_8), bytes(letter.getKey()));
    assertArrayEquals(new byte[] {1, 2, 3}, bytes((ByteBuffer) letter.getValue()));
    assertTrue(letter.getHeaders().isEmpty());
    assertEquals("deserialize", letter.getStage());
    assertEquals(IllegalArgumentException.class.getName(), letter.getErrorClass());
    assertEquals("bad chunk", letter.getErrorMessage());
    assertFalse(letter.getFailedAt().isBefore(before.minusMillis(1)));
  }

  @Test
  void aMissingOrNegativeTimestampIsLeftOut() {
    DeadLetters letters = new DeadLetters(16);
    RuntimeException error = new RuntimeException("x");
    assertNull(letters.of(new DeadLetters.Source("t", 0, 0, null), null, null, null, "s", error)
        .getSourceTimestamp());
    assertNull(letters.of(new DeadLetters.Source("t", 0, 0, -1L), null, null, null, "s", error)
        .getSourceTimestamp());
    assertEquals(Instant.EPOCH, letters.of(new DeadLetters.Source("t", 0, 0, 0L), null, null,
        null, "s", error).getSourceTimestamp());
  }

  @Test
  void aTombstoneWithoutKeyStaysATombstone() {
    DeadLetter letter = new DeadLetters(16).of(SOURCE, null, null, new RecordHeaders(), "s",
        new RuntimeException("x"));
    assertNull(letter.getKey());
    assertNull(letter.getValue());
  }

  @Test
  void headersAreCopiedInOrderIncludingOnesWithoutAValue() {
    RecordHeaders headers = new RecordHeaders();
    headers.add("trace", new byte[] {9});
    headers.add("empty", null);
    DeadLetter letter = new DeadLetters(16).of(SOURCE, null, new byte[1], headers, "s",
        new RuntimeException("x"));
    assertEquals(2, letter.getHeaders().size());
    assertEquals("trace", letter.getHeaders().get(0).getKey());
    assertArrayEquals(new byte[] {9}, bytes(letter.getHeaders().get(0).getValue()));
    assertEquals("empty", letter.getHeaders().get(1).getKey());
    assertNull(letter.getHeaders().get(1).getValue());
  }

  @Test
  void aValueUpToTheLimitIsInlineAndALargerOneIsReferencedWithItsDigest() {
    DeadLetters letters = new DeadLetters(4);
    byte[] atLimit = {1, 2, 3, 4};
    assertArrayEquals(atLimit, bytes((ByteBuffer) letters.of(SOURCE, null, atLimit, null, "s",
        new RuntimeException("x")).getValue()));
    byte[] over = {1, 2, 3, 4, 5};
    Object value = letters.of(SOURCE, null, over, null, "s", new RuntimeException("x"))
        .getValue();
    PayloadReference ref = assertInstanceOf(PayloadReference.class, value);
    assertEquals("kafka://video-chunks/2/17", ref.getUri());
    assertEquals(5L, ref.getSizeBytes());
    assertEquals(Sha256.hex(over), ref.getSha256());
  }

  @Test
  void theMessageChainsCausesOutermostFirstSkipsEmptyOnesAndRedactsSecrets() {
    Exception error = new IllegalStateException("outer",
        new RuntimeException((String) null,
            new IllegalArgumentException("fetch https://user:pw@host/x failed")));
    String message = DeadLetters.messages(error);
    assertEquals("outer: caused by: fetch https://" + Redaction.MASK + "@host/x failed", message);
    assertFalse(message.contains("pw"));
    assertEquals("", DeadLetters.messages(new RuntimeException()));
  }

  @Test
  void aStreamIdBecomesItsUtf8KeyBytes() {
    assertArrayEquals("café".getBytes(StandardCharsets.UTF_8), DeadLetters.keyBytes("café"));
    assertNull(DeadLetters.keyBytes(null));
  }

  @Test
  void anExceptionThatNamesItselfAsItsCauseIsReadOnce() {
    RuntimeException selfCaused = new RuntimeException("loop") {
      @Override
      public synchronized Throwable getCause() {
        return this;
      }
    };
    assertEquals("loop", DeadLetters.messages(selfCaused));
  }
}
