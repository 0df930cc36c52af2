package io.foleystream.topology.records;

import io.foleystream.schemas.DeadLetter;
import io.foleystream.schemas.PayloadReference;
import io.foleystream.schemas.RecordHeader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Builds {@link DeadLetter} records. A value larger than the inline limit travels as a {@link
 * PayloadReference} to the failed record itself ({@code kafka://topic/partition/offset}, with its
 * size and SHA-256), readable for as long as the source topic retains it.
 */
public final class DeadLetters {

  private final int inlineLimitBytes;

  /**
   * @param inlineLimitBytes largest value repeated inline
   */
  public DeadLetters(int inlineLimitBytes) {
    this.inlineLimitBytes = inlineLimitBytes;
  }

  /** Where a failed record came from. */
  public record Source(String topic, int partition, long offset, Long timestampMillis) {}

  /**
   * A dead letter for a record.
   *
   * @param source where the record was read
   * @param key its key bytes, or null
   * @param value its value bytes, or null
   * @param headers its headers, or null
   * @param stage the stage that rejected it
   * @param error why
   * @return the dead letter
   */
  public DeadLetter of(Source source, byte[] key, byte[] value, Headers headers, String stage,
      Throwable error) {
    List<RecordHeader> copied = new ArrayList<>();
    if (headers != null) {
      for (Header h : headers) {
        copied.add(new RecordHeader(h.key(), h.value() == null ? null : ByteBuffer.wrap(h.value())));
      }
    }
    Object storedValue;
    if (value == null) {
      storedValue = null;
    } else if (value.length <= inlineLimitBytes) {
      storedValue = ByteBuffer.wrap(value);
    } else {
      storedValue = new PayloadReference("kafka://" + source.topic() + "/" + source.partition()
          + "/" + source.offset(), (long) value.length, Sha256.hex(value));
    }
    return DeadLetter.newBuilder()
        .setSourceTopic(source.topic())
        .setSourcePartition(source.partition())
        .setSourceOffset(source.offset())
        .setSourceTimestamp(source.timestampMillis() == null || source.timestampMillis() < 0
            ? null : Instant.ofEpochMilli(source.timestampMillis()))
        .setKey(key == null ? null : ByteBuffer.wrap(key))
        .setValue(storedValue)
        .setHeaders(copied)
        .setStage(stage)
        .setErrorClass(error.getClass().getName())
        .setErrorMessage(messages(error))
        .setFailedAt(Instant.now())
        .build();
  }

  /** The messages of an exception and its causes, outermost first, credentials redacted. */
  public static String messages(Throwable error) {
    StringBuilder out = new StringBuilder();
    for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t.getMessage() != null) {
        out.append(out.length() == 0 ? "" : ": caused by: ")
            .append(Redaction.redact(t.getMessage()));
      }
    }
    return out.toString();
  }

  /** The key bytes of a stream id. */
  public static byte[] keyBytes(String streamId) {
    return streamId == null ? null : streamId.getBytes(StandardCharsets.UTF_8);
  }
}
