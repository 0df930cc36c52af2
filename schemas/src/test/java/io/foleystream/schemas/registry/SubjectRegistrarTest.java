package io.foleystream.schemas.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.schemas.SchemaEdits;
import io.foleystream.schemas.VideoChunk;
import java.util.Optional;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class SubjectRegistrarTest {

  private static final Schema CURRENT = VideoChunk.getClassSchema();
  private static final Schema EVOLVED = SchemaEdits.withField(CURRENT,
      "{\"name\": \"rotationDegrees\", \"type\": \"int\", \"default\": 0}");

  @Test
  void registersAndSetsThePolicyOnlyWhereNobodyChoseALevel() {
    InMemorySchemaRegistry open = new InMemorySchemaRegistry(CompatibilityLevel.NONE);
    new SubjectRegistrar(open).register("s-value", CURRENT);
    assertEquals(Optional.of(SubjectRegistrar.POLICY), open.subjectCompatibility("s-value"));

    open.setCompatibility("owned-value", CompatibilityLevel.FULL_TRANSITIVE);
    new SubjectRegistrar(open).register("owned-value", CURRENT);
    assertEquals(Optional.of(CompatibilityLevel.FULL_TRANSITIVE),
        open.subjectCompatibility("owned-value"));

    InMemorySchemaRegistry governed = new InMemorySchemaRegistry(CompatibilityLevel.FULL);
    new SubjectRegistrar(governed).register("g-value", CURRENT);
    assertEquals(Optional.empty(), governed.subjectCompatibility("g-value"),
        "the global FULL level stays in force");
  }

  @Test
  void withoutAutoRegistrationAMissingSubjectIsNamedAndNothingIsWritten() {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    SubjectNotReadyException e = assertThrows(SubjectNotReadyException.class,
        () -> new SubjectRegistrar(registry, false, false).register("gone-value", CURRENT));
    assertTrue(e.getMessage().contains("subject 'gone-value' does not exist"), e.getMessage());
    assertThrows(SchemaNotFoundException.class, () -> registry.latest("gone-value"));
    assertEquals(Optional.empty(), registry.subjectCompatibility("gone-value"));
  }

  @Test
  void withoutAutoRegistrationTheSubjectMustHoldTheSchemaOrACompatibleLatest() {
    InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    int id = registry.register("held-value", CURRENT);
    assertEquals(id, new SubjectRegistrar(registry, false, false).register("held-value", CURRENT));

    int evolved = registry.register("newer-value", EVOLVED);
    SubjectNotReadyException e = assertThrows(SubjectNotReadyException.class,
        () -> new SubjectRegistrar(registry, false, false).register("newer-value", CURRENT));
    assertTrue(e.getMessage().contains("use.latest.version=true"), e.getMessage());
    assertEquals(evolved,
        new SubjectRegistrar(registry, false, true).register("newer-value", CURRENT));
    assertEquals(1, registry.latest("newer-value").version(), "nothing was registered");
  }
}
