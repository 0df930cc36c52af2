package io.foleystream.schemas.registry;

import java.util.Objects;
import org.apache.avro.Schema;

/**
 * One version of a subject as the registry holds it.
 *
 * @param subject the subject
 * @param version the version number within the subject, from 1
 * @param id the schema's global id, as written into the Confluent wire format
 * @param schema the schema
 */
public record RegisteredSchema(String subject, int version, int id, Schema schema) {

  /** Checks that every component is present. */
  public RegisteredSchema {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(schema, "schema");
  }
}
