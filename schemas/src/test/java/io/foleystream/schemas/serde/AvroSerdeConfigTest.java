package io.foleystream.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.WindowTask;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The serde settings: defaults, flag syntax, and the key and value settings kept apart. */
class AvroSerdeConfigTest {

  @Test
  void withNothingSetTheSerdeRegistersWithTheTopicNameAndTheRecordsOwnSchema() {
    AvroSerdeConfig config = AvroSerdeConfig.from(Map.of(), false);
    assertTrue(config.autoRegisterSchemas());
    assertFalse(config.useLatestVersion());
    assertTrue(config.latestCompatibilityStrict());
    assertSame(BuiltInSubjectNameStrategy.TOPIC_NAME, config.subjectNameStrategy());
    assertEquals(Optional.empty(), config.specificType());
  }

  @Test
  void flagsAreBooleansOrTheWordsTrueAndFalseInAnyCase() {
    AvroSerdeConfig config = AvroSerdeConfig.from(Map.of(
        AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, " FALSE ",
        AvroSerdeConfig.USE_LATEST_VERSION, Boolean.TRUE,
        AvroSerdeConfig.LATEST_COMPATIBILITY_STRICT, "false"), false);
    assertFalse(config.autoRegisterSchemas());
    assertTrue(config.useLatestVersion());
    assertFalse(config.latestCompatibilityStrict());
    assertTrue(AvroSerdeConfig.from(Map.of(AvroSerdeConfig.USE_LATEST_VERSION, "True"), false)
        .useLatestVersion());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AvroSerdeConfig.from(Map.of(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "yes"), false));
    assertEquals("setting '" + AvroSerdeConfig.AUTO_REGISTER_SCHEMAS
        + "' must be true or false, not 'yes'", e.getMessage());
  }

  @Test
  void keysAndValuesReadTheirOwnStrategyAndType() {
    SubjectNameStrategy fixed = (topic, isKey, schema) -> "fixed";
    Map<String, Object> configs = Map.of(
        AvroSerdeConfig.KEY_SUBJECT_NAME_STRATEGY, fixed,
        AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY, "RecordNameStrategy",
        AvroSerdeConfig.SPECIFIC_AVRO_KEY_TYPE, VideoChunk.class,
        AvroSerdeConfig.SPECIFIC_AVRO_VALUE_TYPE, " " + WindowTask.class.getName() + " ");
    AvroSerdeConfig key = AvroSerdeConfig.from(configs, true);
    AvroSerdeConfig value = AvroSerdeConfig.from(configs, false);
    assertSame(fixed, key.subjectNameStrategy());
    assertSame(BuiltInSubjectNameStrategy.RECORD_NAME, value.subjectNameStrategy());
    assertEquals(Optional.of(VideoChunk.class), key.specificType());
    assertEquals(Optional.of(WindowTask.class), value.specificType());
    assertTrue(AvroSerdeConfig.from(Map.of(AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY,
        Fixed.class), false).subjectNameStrategy() instanceof Fixed, "a class, instantiated");
  }

  @Test
  void aStrategyClassThatCannotBeCreatedIsRefusedWithItsOwnCause() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> AvroSerdeConfig.from(Map.of(AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY,
            Failing.class), false));
    assertTrue(e.getMessage().startsWith("cannot create subject name strategy"), e.getMessage());
    assertEquals("no subjects today", e.getCause().getMessage());
  }

  /** A strategy whose constructor fails. */
  public static final class Failing implements SubjectNameStrategy {
    /** Always fails. */
    public Failing() {
      throw new IllegalStateException("no subjects today");
    }

    @Override
    public String subjectName(String topic, boolean isKey, Schema schema) {
      return "never";
    }
  }

  /** A strategy named by its class. */
  public static final class Fixed implements SubjectNameStrategy {
    @Override
    public String subjectName(String topic, boolean isKey, Schema schema) {
      return "fixed";
    }
  }

  @Test
  void aTypeThatIsNoGeneratedRecordOrNoClassIsRefused() {
    IllegalArgumentException notARecord = assertThrows(IllegalArgumentException.class,
        () -> AvroSerdeConfig.from(Map.of(AvroSerdeConfig.SPECIFIC_AVRO_VALUE_TYPE,
            String.class), false));
    assertTrue(notARecord.getMessage().contains("java.lang.String is not a generated Avro"),
        notARecord.getMessage());
    assertThrows(IllegalArgumentException.class, () -> AvroSerdeConfig.from(Map.of(
        AvroSerdeConfig.SPECIFIC_AVRO_KEY_TYPE, "io.foleystream.NoSuchRecord"), true));
    assertThrows(IllegalArgumentException.class, () -> AvroSerdeConfig.from(Map.of(
        AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY, Schema.class), false),
        "a class that is no strategy");
  }
}
