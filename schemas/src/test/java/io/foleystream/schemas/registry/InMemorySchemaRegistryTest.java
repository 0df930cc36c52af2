package io.foleystream.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.schemas.SchemaEdits;
import io.foleystream.schemas.StreamControl;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/** The in-memory registry keeps the rules of a real one. */
class InMemorySchemaRegistryTest {

  private static final Schema V1 = StreamControl.getClassSchema();
  private static final Schema WITH_DEFAULT =
      SchemaEdits.withField(V1, "{\"name\":\"volume\",\"type\":\"double\",\"default\":1.0}");
  private static final Schema WITHOUT_DEFAULT =
      SchemaEdits.withField(V1, "{\"name\":\"volume\",\"type\":\"double\"}");

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

  @Test
  void identicalSchemasShareAnIdAcrossSubjectsAndRegistrationIsIdempotent() {
    int id = registry.register("a", V1);
    assertEquals(id, registry.register("b", V1));
    assertEquals(id, registry.register("a", V1));
    assertEquals(1, registry.latest("a").version());
    assertEquals(new RegisteredSchema("b", 1, id, V1), registry.lookup("b", V1));
  }

  @Test
  void backwardIsTheDefaultAndRefusesANewFieldWithoutDefault() {
    registry.register("s", V1);
    registry.register("s", WITH_DEFAULT);
    assertEquals(2, registry.latest("s").version());
    Schema withPan = SchemaEdits.withField(WITH_DEFAULT, "{\"name\":\"pan\",\"type\":\"float\"}");

    assertFalse(registry.testCompatibility("s", withPan).compatible());
    IncompatibleSchemaException e = assertThrows(IncompatibleSchemaException.class,
        () -> registry.register("s", withPan));
    assertTrue(e.getMessage().contains("pan"), e.getMessage());
    assertEquals(409, e.status());
    assertEquals(2, registry.latest("s").version());
  }

  @Test
  void levelsFollowConfluentSemantics() {
    registry.setCompatibility("none", CompatibilityLevel.NONE);
    registry.register("none", V1);
    registry.register("none", WITHOUT_DEFAULT);

    registry.setCompatibility("forward", CompatibilityLevel.FORWARD);
    registry.register("forward", V1);
    // Old readers ignore an added field: FORWARD accepts it even without a default.
    registry.register("forward", WITHOUT_DEFAULT);
    // Old readers need streamId, which has no default: removing it breaks FORWARD.
    assertThrows(IncompatibleSchemaException.class,
        () -> registry.register("forward", SchemaEdits.withoutFields(WITHOUT_DEFAULT,
            "streamId")));

    registry.setCompatibility("full", CompatibilityLevel.FULL);
    registry.register("full", V1);
    assertThrows(IncompatibleSchemaException.class, () -> registry.register("full",
        WITHOUT_DEFAULT));
    registry.register("full", WITH_DEFAULT);
  }

  @Test
  void transitiveLevelsCompareWithEveryEarlierVersion() {
    Schema removed = SchemaEdits.withoutFields(WITH_DEFAULT, "volume");
    Schema readdedWithoutDefault = SchemaEdits.withField(removed,
        "{\"name\":\"volume\",\"type\":\"double\"}");
    registry.setCompatibility("t", CompatibilityLevel.FORWARD_TRANSITIVE);
    registry.register("t", WITH_DEFAULT);
    registry.register("t", removed);

    assertTrue(CompatibilityLevel.FORWARD.violations(readdedWithoutDefault,
        java.util.List.of(WITH_DEFAULT, removed)).isEmpty());
    assertTrue(registry.testCompatibility("t", readdedWithoutDefault).compatible());
    registry.setCompatibility("t", CompatibilityLevel.BACKWARD_TRANSITIVE);
    assertFalse(registry.testCompatibility("t", readdedWithoutDefault).compatible());
  }

  @Test
  void unknownThingsAreNotFound() {
    assertEquals(SchemaNotFoundException.SCHEMA_NOT_FOUND,
        assertThrows(SchemaNotFoundException.class, () -> registry.schemaById(1)).errorCode());
    assertEquals(SchemaNotFoundException.SUBJECT_NOT_FOUND,
        assertThrows(SchemaNotFoundException.class, () -> registry.latest("x")).errorCode());
    registry.register("x", V1);
    assertEquals(SchemaNotFoundException.SCHEMA_NOT_FOUND,
        assertThrows(SchemaNotFoundException.class, () -> registry.lookup("x", WITH_DEFAULT))
            .errorCode());
  }

  @Test
  void mockUrlsShareAScopeUntilItIsDropped() {
    SchemaRegistry first = SchemaRegistries.fromConfigs(Map.of("schema.registry.url",
        "mock://unit-test"));
    assertSame(first, SchemaRegistries.fromConfigs(Map.of("schema.registry.url",
        "mock://unit-test")));
    InMemorySchemaRegistry.dropScope("unit-test");
    assertNotSame(first, SchemaRegistries.fromConfigs(Map.of("schema.registry.url",
        "mock://unit-test")));
    InMemorySchemaRegistry.dropScope("unit-test");
  }
}
