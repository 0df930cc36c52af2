package io.foleystream.schemas.registry;

import java.util.Optional;
import org.apache.avro.Schema;

/**
 * The schema-registry operations foleystream needs, as defined by the Confluent Schema Registry
 * REST API. Implementations: {@link RestSchemaRegistry} (any Confluent-compatible server,
 * Apicurio's {@code /apis/ccompat/v7} included), {@link CachingSchemaRegistry} (caches in front of another),
 * {@link InMemorySchemaRegistry} (tests). Each method maps onto one call of Confluent's own
 * {@code SchemaRegistryClient}, so a user who has that client can adapt it to this interface.
 *
 * <p>Failures are unchecked {@link SchemaRegistryException}s: {@link RegistryUnavailableException}
 * once the registry could not be reached within the configured retries,
 * {@link SchemaNotFoundException} for an unknown subject, version or id,
 * {@link IncompatibleSchemaException} when a compatibility rule refuses a schema and
 * {@link RegistryRequestException} for any other refusal.
 */
public interface SchemaRegistry {

  /**
   * Registers a schema under a subject, or finds it when it is already registered there.
   *
   * @param subject the subject, for example {@code foley.video.chunks-value}
   * @param schema the schema to register
   * @return the schema's global id
   * @throws IncompatibleSchemaException when the subject's compatibility level refuses the schema
   */
  int register(String subject, Schema schema);

  /**
   * Finds a schema already registered under a subject, without registering it.
   *
   * @param subject the subject
   * @param schema the schema to look up
   * @return the registered version
   * @throws SchemaNotFoundException when the subject does not exist or does not hold the schema
   */
  RegisteredSchema lookup(String subject, Schema schema);

  /**
   * Fetches a schema by its global id.
   *
   * @param id the id, as carried by the Confluent wire format
   * @return the schema
   * @throws SchemaNotFoundException when no schema has this id
   */
  Schema schemaById(int id);

  /**
   * Fetches the latest version registered under a subject.
   *
   * @param subject the subject
   * @return the latest version
   * @throws SchemaNotFoundException when the subject does not exist
   */
  RegisteredSchema latest(String subject);

  /**
   * Asks whether a schema could be registered under a subject given its compatibility level.
   *
   * @param subject the subject
   * @param schema the candidate schema
   * @return the verdict; compatible when the subject does not exist yet
   */
  CompatibilityResult testCompatibility(String subject, Schema schema);

  /**
   * Sets the compatibility level of one subject.
   *
   * @param subject the subject
   * @param level the level new versions of the subject must satisfy
   */
  void setCompatibility(String subject, CompatibilityLevel level);

  /**
   * Reads the compatibility level in force for a subject (its own, else the registry's default).
   *
   * @param subject the subject
   * @return the level
   */
  CompatibilityLevel compatibility(String subject);

  /**
   * Reads the compatibility level set on the subject itself, leaving out the registry's global
   * level: what tells a level someone chose for this subject from a default.
   *
   * @param subject the subject
   * @return the subject's own level, or empty when it has none
   */
  Optional<CompatibilityLevel> subjectCompatibility(String subject);

  /**
   * Reads the registry's global compatibility level, which subjects without their own follow.
   *
   * @return the level
   */
  CompatibilityLevel globalCompatibility();
}
