package io.foleystream.schemas.serde;

import java.lang.reflect.InvocationTargetException;
import org.apache.avro.Schema;

/** The subject name strategies of Confluent's serdes. */
public enum BuiltInSubjectNameStrategy implements SubjectNameStrategy {

  /** {@code <topic>-key} or {@code <topic>-value}: one record type per topic (the default). */
  TOPIC_NAME("TopicNameStrategy") {
    @Override
    public String subjectName(String topic, boolean isKey, Schema schema) {
      return topic + (isKey ? "-key" : "-value");
    }
  },
  /** The record's full name: a record type keeps one subject across topics. */
  RECORD_NAME("RecordNameStrategy") {
    @Override
    public String subjectName(String topic, boolean isKey, Schema schema) {
      return schema.getFullName();
    }
  },
  /** {@code <topic>-<full record name>}: several record types per topic. */
  TOPIC_RECORD_NAME("TopicRecordNameStrategy") {
    @Override
    public String subjectName(String topic, boolean isKey, Schema schema) {
      return topic + "-" + schema.getFullName();
    }
  };

  private final String confluentClassName;

  BuiltInSubjectNameStrategy(String confluentClassName) {
    this.confluentClassName = confluentClassName;
  }

  /**
   * Resolves a configured strategy: a constant name ({@code TOPIC_NAME}), the simple or full name
   * of the Confluent class ({@code io.confluent.kafka.serializers.subject.RecordNameStrategy}), or
   * the class name of a {@link SubjectNameStrategy} implementation.
   *
   * @param configured the configured value
   * @return the strategy
   * @throws IllegalArgumentException when the value names no strategy
   */
  public static SubjectNameStrategy resolve(String configured) {
    String name = configured.trim();
    String simpleName = name.substring(name.lastIndexOf('.') + 1);
    for (BuiltInSubjectNameStrategy strategy : values()) {
      if (strategy.name().equals(name) || strategy.confluentClassName.equals(simpleName)) {
        return strategy;
      }
    }
    try {
      Class<?> type = Class.forName(name);
      if (!SubjectNameStrategy.class.isAssignableFrom(type)) {
        throw new IllegalArgumentException("subject name strategy " + name + " does not implement "
            + SubjectNameStrategy.class.getName());
      }
      return (SubjectNameStrategy) type.getConstructor().newInstance();
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("unknown subject name strategy '" + name + "': use "
          + "TopicNameStrategy, RecordNameStrategy, TopicRecordNameStrategy or a class name", e);
    } catch (ReflectiveOperationException e) {
      Throwable cause = e instanceof InvocationTargetException ? e.getCause() : e;
      throw new IllegalArgumentException("cannot create subject name strategy " + name, cause);
    }
  }
}
