package io.foleystream.schemas.serde;

import org.apache.avro.Schema;

/**
 * Chooses the registry subject a record's schema is registered and looked up under. Configured
 * with {@code key.subject.name.strategy} and {@code value.subject.name.strategy}: the name of a
 * {@link BuiltInSubjectNameStrategy} (Confluent's class names are accepted too), or the class
 * name of an implementation with a public no-argument constructor.
 */
public interface SubjectNameStrategy {

  /**
   * Names the subject.
   *
   * @param topic the topic the record is written to
   * @param isKey whether the record is the key rather than the value
   * @param schema the record's schema
   * @return the subject
   */
  String subjectName(String topic, boolean isKey, Schema schema);
}
