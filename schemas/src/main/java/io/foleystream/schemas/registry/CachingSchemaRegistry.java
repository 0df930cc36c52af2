package io.foleystream.schemas.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * Caches the answers of another {@link SchemaRegistry} that cannot change: a schema's id under a
 * subject and the schema behind an id are immutable in a registry, so they are kept for the life
 * of this object, and calls that hit the cache work while the registry is down. A subject's latest
 * version can change; it is kept for a configured time to live.
 *
 * <p>The caches are unbounded: they hold one entry per schema version a process meets, which
 * stays small for foleystream's handful of record types.
 */
public final class CachingSchemaRegistry implements SchemaRegistry {

  private final SchemaRegistry delegate;
  private final Optional<Duration> latestTtl;
  private final Clock clock;
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
  private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();
  private final Map<SubjectSchema, RegisteredSchema> lookups = new ConcurrentHashMap<>();
  private final Map<String, Expiring> latestBySubject = new ConcurrentHashMap<>();

  /**
   * Caches in front of a registry.
   *
   * @param delegate the registry asked on a cache miss
   * @param latestTtl how long a subject's latest version stays cached; empty for forever
   * @param clock the clock the time to live is measured on
   */
  public CachingSchemaRegistry(SchemaRegistry delegate, Optional<Duration> latestTtl,
      Clock clock) {
    this.delegate = delegate;
    this.latestTtl = latestTtl;
    this.clock = clock;
  }

  @Override
  public int register(String subject, Schema schema) {
    SubjectSchema key = new SubjectSchema(subject, schema);
    Integer cached = idsBySubjectSchema.get(key);
    if (cached != null) {
      return cached;
    }
    int id = delegate.register(subject, schema);
    idsBySubjectSchema.put(key, id);
    schemasById.putIfAbsent(id, schema);
    return id;
  }

  @Override
  public RegisteredSchema lookup(String subject, Schema schema) {
    SubjectSchema key = new SubjectSchema(subject, schema);
    RegisteredSchema cached = lookups.get(key);
    if (cached != null) {
      return cached;
    }
    RegisteredSchema found = delegate.lookup(subject, schema);
    lookups.put(key, found);
    idsBySubjectSchema.put(key, found.id());
    schemasById.putIfAbsent(found.id(), found.schema());
    return found;
  }

  @Override
  public Schema schemaById(int id) {
    Schema cached = schemasById.get(id);
    if (cached != null) {
      return cached;
    }
    Schema schema = delegate.schemaById(id);
    schemasById.putIfAbsent(id, schema);
    return schema;
  }

  @Override
  public RegisteredSchema latest(String subject) {
    Instant now = clock.instant();
    Expiring cached = latestBySubject.get(subject);
    if (cached != null && (cached.expiresAt == null || now.isBefore(cached.expiresAt))) {
      return cached.schema;
    }
    RegisteredSchema latest = delegate.latest(subject);
    latestBySubject.put(subject,
        new Expiring(latest, latestTtl.map(now::plus).orElse(null)));
    schemasById.putIfAbsent(latest.id(), latest.schema());
    return latest;
  }

  @Override
  public CompatibilityResult testCompatibility(String subject, Schema schema) {
    return delegate.testCompatibility(subject, schema);
  }

  @Override
  public void setCompatibility(String subject, CompatibilityLevel level) {
    delegate.setCompatibility(subject, level);
  }

  @Override
  public CompatibilityLevel compatibility(String subject) {
    return delegate.compatibility(subject);
  }

  @Override
  public Optional<CompatibilityLevel> subjectCompatibility(String subject) {
    return delegate.subjectCompatibility(subject);
  }

  @Override
  public CompatibilityLevel globalCompatibility() {
    return delegate.globalCompatibility();
  }

  private record SubjectSchema(String subject, Schema schema) {
  }

  private record Expiring(RegisteredSchema schema, Instant expiresAt) {
  }
}
