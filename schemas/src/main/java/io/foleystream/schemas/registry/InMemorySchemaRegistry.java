package io.foleystream.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A schema registry inside this JVM, for tests that run a topology without a registry server
 * (Kafka's {@code TopologyTestDriver}, for example). It behaves like a Confluent registry: global
 * ids shared by identical schemas, versions per subject, compatibility levels enforced with
 * Avro's rules (default BACKWARD), and the same exceptions as {@link RestSchemaRegistry}.
 *
 * <p>Serdes configured with {@code schema.registry.url=mock://<scope>} share the instance of that
 * scope, as with Confluent's serdes; {@link #dropScope(String)} forgets one.
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {

  /** The URL scheme that selects a scoped in-memory registry. */
  public static final String MOCK_SCHEME = "mock://";

  private static final Map<String, InMemorySchemaRegistry> SCOPES = new ConcurrentHashMap<>();

  private final Map<String, Integer> idsBySchemaText = new HashMap<>();
  private final List<Schema> schemasById = new ArrayList<>();
  private final Map<String, List<Integer>> versionsBySubject = new HashMap<>();
  private final Map<String, CompatibilityLevel> levelsBySubject = new HashMap<>();
  private final CompatibilityLevel defaultLevel;

  /** Creates an empty registry whose subjects default to BACKWARD compatibility. */
  public InMemorySchemaRegistry() {
    this(CompatibilityLevel.BACKWARD);
  }

  /**
   * Creates an empty registry.
   *
   * @param defaultLevel the compatibility level of subjects that have none of their own
   */
  public InMemorySchemaRegistry(CompatibilityLevel defaultLevel) {
    this.defaultLevel = defaultLevel;
  }

  /**
   * The registry shared by everything configured with {@code mock://<scope>}.
   *
   * @param scope the scope name
   * @return the scope's registry, created empty on first use
   */
  public static InMemorySchemaRegistry forScope(String scope) {
    return SCOPES.computeIfAbsent(scope, name -> new InMemorySchemaRegistry());
  }

  /**
   * Forgets a scope, so that its next use starts empty.
   *
   * @param scope the scope name
   */
  public static void dropScope(String scope) {
    SCOPES.remove(scope);
  }

  @Override
  public synchronized int register(String subject, Schema schema) {
    List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
    Integer known = idsBySchemaText.get(schema.toString());
    if (known != null && versions.contains(known)) {
      return known;
    }
    List<String> violations = compatibility(subject).violations(schema, schemasOf(versions));
    if (!violations.isEmpty()) {
      throw new IncompatibleSchemaException("schema is incompatible with subject '" + subject
          + "' (" + compatibility(subject) + "): " + String.join("; ", violations));
    }
    int id = known != null ? known : newId(schema);
    versions.add(id);
    return id;
  }

  @Override
  public synchronized RegisteredSchema lookup(String subject, Schema schema) {
    List<Integer> versions = existingVersions(subject);
    Integer id = idsBySchemaText.get(schema.toString());
    int index = id == null ? -1 : versions.indexOf(id);
    if (index < 0) {
      throw new SchemaNotFoundException("schema not registered under subject '" + subject + "'",
          SchemaNotFoundException.SCHEMA_NOT_FOUND);
    }
    return new RegisteredSchema(subject, index + 1, id, schemasById.get(id - 1));
  }

  @Override
  public synchronized Schema schemaById(int id) {
    if (id < 1 || id > schemasById.size()) {
      throw new SchemaNotFoundException("schema " + id + " not found",
          SchemaNotFoundException.SCHEMA_NOT_FOUND);
    }
    return schemasById.get(id - 1);
  }

  @Override
  public synchronized RegisteredSchema latest(String subject) {
    List<Integer> versions = existingVersions(subject);
    int id = versions.get(versions.size() - 1);
    return new RegisteredSchema(subject, versions.size(), id, schemasById.get(id - 1));
  }

  @Override
  public synchronized CompatibilityResult testCompatibility(String subject, Schema schema) {
    List<Integer> versions = versionsBySubject.getOrDefault(subject, List.of());
    List<String> violations = compatibility(subject).violations(schema, schemasOf(versions));
    return new CompatibilityResult(violations.isEmpty(), violations);
  }

  @Override
  public synchronized void setCompatibility(String subject, CompatibilityLevel level) {
    levelsBySubject.put(subject, level);
  }

  @Override
  public synchronized CompatibilityLevel compatibility(String subject) {
    return levelsBySubject.getOrDefault(subject, defaultLevel);
  }

  @Override
  public synchronized Optional<CompatibilityLevel> subjectCompatibility(String subject) {
    return Optional.ofNullable(levelsBySubject.get(subject));
  }

  @Override
  public CompatibilityLevel globalCompatibility() {
    return defaultLevel;
  }

  private int newId(Schema schema) {
    schemasById.add(schema);
    int id = schemasById.size();
    idsBySchemaText.put(schema.toString(), id);
    return id;
  }

  private List<Integer> existingVersions(String subject) {
    List<Integer> versions = versionsBySubject.get(subject);
    if (versions == null || versions.isEmpty()) {
      throw new SchemaNotFoundException("subject '" + subject + "' not found",
          SchemaNotFoundException.SUBJECT_NOT_FOUND);
    }
    return versions;
  }

  private List<Schema> schemasOf(List<Integer> ids) {
    return ids.stream().map(id -> schemasById.get(id - 1)).toList();
  }
}
