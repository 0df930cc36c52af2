package io.foleystream.schemas.registry;

import org.apache.avro.Schema;

/**
 * Prepares the subjects the application writes, at start, under the project's evolution policy
 * ({@link #POLICY BACKWARD}) and within what the registry's owners allow:
 *
 * <ul>
 *   <li>With {@code auto.register.schemas=true} (the default) the schema is registered. The
 *       subject's compatibility level is set to the policy only where nobody chose one: the
 *       subject has no level of its own (or NONE) and the registry's global level is {@code
 *       NONE}. A level that someone set, on the subject or globally, is never changed.
 *   <li>With {@code auto.register.schemas=false} (a registry governed by its owners) nothing is
 *       written: each subject must exist and hold the application's schema, or, with {@code
 *       use.latest.version=true}, a latest version the schema is compatible with. Otherwise the
 *       start fails with {@link SubjectNotReadyException}, naming the subject and the fix.
 * </ul>
 */
public final class SubjectRegistrar {

  /** The compatibility level foleystream asks for where nobody chose one. */
  public static final CompatibilityLevel POLICY = CompatibilityLevel.BACKWARD;

  private final SchemaRegistry registry;
  private final boolean autoRegister;
  private final boolean useLatestVersion;

  /**
   * A registrar that registers (auto-registration on).
   *
   * @param registry where to register
   */
  public SubjectRegistrar(SchemaRegistry registry) {
    this(registry, true, false);
  }

  /**
   * @param registry the registry
   * @param autoRegister the serdes' {@code auto.register.schemas}: whether to register
   * @param useLatestVersion the serdes' {@code use.latest.version}: whether records are written
   *     with the subject's latest version rather than the application's own schema
   */
  public SubjectRegistrar(SchemaRegistry registry, boolean autoRegister,
      boolean useLatestVersion) {
    this.registry = registry;
    this.autoRegister = autoRegister;
    this.useLatestVersion = useLatestVersion;
  }

  /**
   * Registers the schema under the subject, or, without auto-registration, checks that the
   * subject is ready for it.
   *
   * @param subject the subject
   * @param schema the schema the application writes
   * @return the id records will carry
   * @throws IncompatibleSchemaException when the registry refuses the schema under the subject's
   *     level
   * @throws SubjectNotReadyException without auto-registration, when the subject is missing or
   *     holds no usable version
   */
  public int register(String subject, Schema schema) {
    if (!autoRegister) {
      return verify(subject, schema);
    }
    if (nobodyChoseALevel(subject)) {
      registry.setCompatibility(subject, POLICY);
    }
    return registry.register(subject, schema);
  }

  /**
   * No level of the subject's own and none globally. Apicurio's Confluent API answers NONE for a
   * subject without a rule of its own, so NONE on the subject under a NONE global counts as unset
   * (and setting BACKWARD there loosens nothing).
   */
  private boolean nobodyChoseALevel(String subject) {
    if (registry.globalCompatibility() != CompatibilityLevel.NONE) {
      return false;
    }
    return registry.subjectCompatibility(subject).orElse(CompatibilityLevel.NONE)
        == CompatibilityLevel.NONE;
  }

  private int verify(String subject, Schema schema) {
    try {
      return registry.lookup(subject, schema).id();
    } catch (SchemaNotFoundException e) {
      if (e.errorCode() == SchemaNotFoundException.SUBJECT_NOT_FOUND) {
        throw new SubjectNotReadyException("subject '" + subject + "' does not exist and"
            + " auto.register.schemas is false: register " + schema.getFullName()
            + " under it (see docs/schemas.md) or set auto.register.schemas=true");
      }
    }
    if (!useLatestVersion) {
      throw new SubjectNotReadyException("subject '" + subject + "' does not hold this version"
          + " of " + schema.getFullName() + " and auto.register.schemas is false: register it,"
          + " or set use.latest.version=true to write with the subject's latest version");
    }
    CompatibilityResult result = registry.testCompatibility(subject, schema);
    if (!result.compatible()) {
      throw new SubjectNotReadyException("the latest version of subject '" + subject + "' is"
          + " incompatible with " + schema.getFullName() + " (" + String.join("; ",
              result.messages()) + "); register a compatible version");
    }
    return registry.latest(subject).id();
  }
}
