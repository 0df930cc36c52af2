package io.foleystream.schemas.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * The compatibility levels of the Confluent Schema Registry, with Avro's own reader/writer rules
 * as the judge. BACKWARD: data written with the previous schema can be read with the new one (the
 * level foleystream sets on its subjects); FORWARD: the reverse; FULL: both. The transitive
 * variants compare with every earlier version instead of the latest only.
 */
public enum CompatibilityLevel {
  /** Any schema is accepted. */
  NONE,
  /** The new schema reads data written with the latest one. */
  BACKWARD,
  /** The new schema reads data written with every earlier one. */
  BACKWARD_TRANSITIVE,
  /** The latest schema reads data written with the new one. */
  FORWARD,
  /** Every earlier schema reads data written with the new one. */
  FORWARD_TRANSITIVE,
  /** Both BACKWARD and FORWARD against the latest schema. */
  FULL,
  /** Both BACKWARD and FORWARD against every earlier schema. */
  FULL_TRANSITIVE;

  /**
   * Parses a level name as the registry REST API spells it, in any case.
   *
   * @param name for example {@code BACKWARD} or {@code full_transitive}
   * @return the level
   * @throws IllegalArgumentException for an unknown name
   */
  public static CompatibilityLevel parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown compatibility level '" + name + "'", e);
    }
  }

  /**
   * Lists why a candidate schema breaks this level against the versions already registered.
   *
   * @param candidate the schema to add
   * @param existing the subject's versions, oldest first
   * @return human-readable incompatibilities; empty when the candidate is admitted
   */
  public List<String> violations(Schema candidate, List<Schema> existing) {
    if (this == NONE || existing.isEmpty()) {
      return List.of();
    }
    boolean transitive = name().endsWith("_TRANSITIVE");
    List<Schema> compared = transitive ? existing : List.of(existing.get(existing.size() - 1));
    boolean backward = startsWith("BACKWARD") || startsWith("FULL");
    boolean forward = startsWith("FORWARD") || startsWith("FULL");
    List<String> violations = new ArrayList<>();
    for (Schema previous : compared) {
      if (backward) {
        describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, previous),
            "new schema cannot read data written with an earlier one", violations);
      }
      if (forward) {
        describe(SchemaCompatibility.checkReaderWriterCompatibility(previous, candidate),
            "an earlier schema cannot read data written with the new one", violations);
      }
    }
    return violations;
  }

  private boolean startsWith(String prefix) {
    return name().startsWith(prefix);
  }

  private static void describe(SchemaPairCompatibility pair, String direction, List<String> out) {
    if (pair.getType() == SchemaCompatibilityType.COMPATIBLE) {
      return;
    }
    for (SchemaCompatibility.Incompatibility incompatibility
        : pair.getResult().getIncompatibilities()) {
      out.add(direction + ": " + incompatibility.getType() + " at "
          + incompatibility.getLocation() + " (" + incompatibility.getMessage() + ")");
    }
  }
}
