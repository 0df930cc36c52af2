package io.foleystream.schemas.registry;

import org.apache.avro.Schema;

/**
 * Registers foleystream's schemas under the project's evolution policy: every subject the
 * application writes is set to {@link #POLICY BACKWARD} compatibility before its schema is
 * registered, so that consumers can always read older records with the newest schema and a
 * breaking change is refused by the registry.
 */
public final class SubjectRegistrar {

  /** The compatibility level of every subject foleystream registers. */
  public static final CompatibilityLevel POLICY = CompatibilityLevel.BACKWARD;

  private final SchemaRegistry registry;

  /**
   * @param registry where to register
   */
  public SubjectRegistrar(SchemaRegistry registry) {
    this.registry = registry;
  }

  /**
   * Sets the subject's compatibility to {@link #POLICY} and registers the schema under it.
   *
   * @param subject the subject
   * @param schema the schema
   * @return the schema's id
   * @throws IncompatibleSchemaException when the schema breaks the policy against the subject's
   *     latest version
   */
  public int register(String subject, Schema schema) {
    registry.setCompatibility(subject, POLICY);
    return registry.register(subject, schema);
  }
}
