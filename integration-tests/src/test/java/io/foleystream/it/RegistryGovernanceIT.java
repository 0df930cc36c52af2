package io.foleystream.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.config.ConfigKeys;
import io.foleystream.config.FoleystreamConfig;
import io.foleystream.devstack.ApicurioRegistryServer;
import io.foleystream.devstack.EmbeddedKafkaBroker;
import io.foleystream.schemas.SchemaEdits;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.registry.CompatibilityLevel;
import io.foleystream.schemas.registry.SchemaNotFoundException;
import io.foleystream.schemas.registry.SchemaRegistries;
import io.foleystream.schemas.registry.SchemaRegistry;
import io.foleystream.schemas.registry.SubjectNotReadyException;
import io.foleystream.schemas.registry.SubjectRegistrar;
import io.foleystream.topology.FoleystreamApp;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Registry governance against a real Apicurio Registry: levels someone set are never changed,
 * and with auto-registration off the application registers nothing and refuses to start until
 * its subjects hold its schemas.
 */
@ExtendWith(DevStackExtension.class)
class RegistryGovernanceIT {

  private static final Schema CURRENT = VideoChunk.getClassSchema();

  private static SchemaRegistry registry(ApicurioRegistryServer server) {
    return SchemaRegistries.fromConfigs(Map.of("schema.registry.url", server.confluentApiUrl()));
  }

  @Test
  void theRegistryTellsASubjectsOwnLevelFromTheGlobalOne(ApicurioRegistryServer server) {
    SchemaRegistry registry = registry(server);
    registry.register("it.gov.plain-value", CURRENT);
    // Apicurio answers NONE for a subject without a rule of its own, Confluent 40408 (empty).
    assertEquals(CompatibilityLevel.NONE, registry.subjectCompatibility("it.gov.plain-value")
        .orElse(CompatibilityLevel.NONE));
    assertEquals(registry.globalCompatibility(), registry.compatibility("it.gov.plain-value"));
    registry.setCompatibility("it.gov.plain-value", CompatibilityLevel.FORWARD);
    assertEquals(Optional.of(CompatibilityLevel.FORWARD),
        registry.subjectCompatibility("it.gov.plain-value"));
    assertEquals(CompatibilityLevel.FORWARD, registry.compatibility("it.gov.plain-value"));
  }

  @Test
  void aLevelTheOwnersSetIsNeverChanged(ApicurioRegistryServer server) {
    SchemaRegistry registry = registry(server);
    String subject = "it.gov.owned-value";
    registry.setCompatibility(subject, CompatibilityLevel.FULL_TRANSITIVE);
    new SubjectRegistrar(registry).register(subject, CURRENT);
    assertEquals(Optional.of(CompatibilityLevel.FULL_TRANSITIVE),
        registry.subjectCompatibility(subject));
    assertEquals(CURRENT, registry.latest(subject).schema());
  }

  @Test
  void withoutAutoRegistrationNothingIsWrittenAndSubjectsAreChecked(
      ApicurioRegistryServer server) {
    SchemaRegistry registry = registry(server);
    String missing = "it.gov.missing-value";
    SubjectNotReadyException refused = assertThrows(SubjectNotReadyException.class,
        () -> new SubjectRegistrar(registry, false, false).register(missing, CURRENT));
    assertTrue(refused.getMessage().contains("'" + missing + "' does not exist"),
        refused.getMessage());
    assertThrows(SchemaNotFoundException.class, () -> registry.latest(missing));

    String held = "it.gov.held-value";
    int id = registry.register(held, CURRENT);
    assertEquals(id, new SubjectRegistrar(registry, false, false).register(held, CURRENT));

    String newer = "it.gov.newer-value";
    int evolved = registry.register(newer, SchemaEdits.withField(CURRENT,
        "{\"name\": \"rotationDegrees\", \"type\": \"int\", \"default\": 0}"));
    SubjectNotReadyException other = assertThrows(SubjectNotReadyException.class,
        () -> new SubjectRegistrar(registry, false, false).register(newer, CURRENT));
    assertTrue(other.getMessage().contains("use.latest.version=true"), other.getMessage());
    assertEquals(evolved, new SubjectRegistrar(registry, false, true).register(newer, CURRENT));
    assertEquals(1, registry.latest(newer).version());
  }

  @Test
  void theApplicationDoesNotStartUntilItsSubjectsExist(EmbeddedKafkaBroker broker,
      ApicurioRegistryServer server) {
    Map<String, String> values = new HashMap<>();
    values.put("bootstrap.servers", broker.bootstrapServers());
    values.put("schema.registry.url", server.confluentApiUrl());
    values.put("auto.register.schemas", "false");
    values.put("application.id", "it-gov");
    values.put(ConfigKeys.ROLES.name(), "assembler");
    values.put(ConfigKeys.STEPS.name(), "2");
    values.put(ConfigKeys.CFG.name(), "4.5");
    values.put(ConfigKeys.HTTP_PORT.name(), "-1");
    values.put(ConfigKeys.TOPIC_WINDOW_TASKS.name(), "it.gov.tasks");
    SubjectNotReadyException refused = assertThrows(SubjectNotReadyException.class,
        () -> FoleystreamApp.start(FoleystreamConfig.of(values)).close());
    assertTrue(refused.getMessage().contains("subject 'it.gov.tasks-value' does not exist"),
        refused.getMessage());
    assertThrows(SchemaNotFoundException.class,
        () -> registry(server).latest("it.gov.tasks-value"));
  }
}
