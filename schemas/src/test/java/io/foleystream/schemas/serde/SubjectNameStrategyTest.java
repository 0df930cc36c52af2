package io.foleystream.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.schemas.AudioChunk;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** Subject names, and resolving the strategy from configuration values users already use. */
class SubjectNameStrategyTest {

  private static final Schema SCHEMA = AudioChunk.getClassSchema();

  @Test
  void builtInStrategiesNameSubjectsLikeConfluents() {
    assertEquals("foley.audio.chunks-value",
        BuiltInSubjectNameStrategy.TOPIC_NAME.subjectName("foley.audio.chunks", false, SCHEMA));
    assertEquals("foley.audio.chunks-key",
        BuiltInSubjectNameStrategy.TOPIC_NAME.subjectName("foley.audio.chunks", true, SCHEMA));
    assertEquals("io.foleystream.schemas.AudioChunk",
        BuiltInSubjectNameStrategy.RECORD_NAME.subjectName("t", false, SCHEMA));
    assertEquals("t-io.foleystream.schemas.AudioChunk",
        BuiltInSubjectNameStrategy.TOPIC_RECORD_NAME.subjectName("t", false, SCHEMA));
  }

  @Test
  void configuredNamesResolve() {
    assertSame(BuiltInSubjectNameStrategy.RECORD_NAME, BuiltInSubjectNameStrategy.resolve(
        "io.confluent.kafka.serializers.subject.RecordNameStrategy"));
    assertSame(BuiltInSubjectNameStrategy.TOPIC_RECORD_NAME,
        BuiltInSubjectNameStrategy.resolve("TopicRecordNameStrategy"));
    assertSame(BuiltInSubjectNameStrategy.TOPIC_NAME,
        BuiltInSubjectNameStrategy.resolve(" TOPIC_NAME "));
    assertEquals("fixed", BuiltInSubjectNameStrategy.resolve(Fixed.class.getName())
        .subjectName("t", false, SCHEMA));
  }

  @Test
  void unknownStrategiesAreRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> BuiltInSubjectNameStrategy.resolve("com.example.Nope"));
    assertTrue(e.getMessage().contains("com.example.Nope"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> BuiltInSubjectNameStrategy.resolve(String.class.getName()));
  }

  /** A user-supplied strategy. */
  public static final class Fixed implements SubjectNameStrategy {
    @Override
    public String subjectName(String topic, boolean isKey, Schema schema) {
      return "fixed";
    }
  }
}
