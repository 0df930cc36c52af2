package io.foleystream.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.foleystream.schemas.registry.CompatibilityLevel;
import io.foleystream.schemas.registry.SubjectRegistrar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The evolution policy: every top-level schema stays BACKWARD compatible with its latest released
 * version (under {@code schemas/released/<n>/}), and every release with the one before it. The
 * last tests prove the check catches breaking changes.
 */
class ReleasedSchemaCompatibilityTest {

  private static final Path RELEASED = Path.of("released");
  private static final CompatibilityLevel POLICY = SubjectRegistrar.POLICY;

  private static TreeMap<Integer, Map<String, Schema>> releases;

  @BeforeAll
  static void loadReleases() throws IOException {
    releases = new TreeMap<>();
    try (Stream<Path> dirs = Files.list(RELEASED)) {
      for (Path dir : dirs.filter(Files::isDirectory).toList()) {
        Map<String, Schema> schemas = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
          for (Path file : files.filter(f -> f.toString().endsWith(".avsc")).toList()) {
            // Each released file stands alone, exactly as it was registered.
            Schema schema = new Schema.Parser().parse(Files.readString(file));
            assertEquals(file.getFileName().toString(), schema.getName() + ".avsc",
                "released file must be named after its record");
            schemas.put(schema.getFullName(), schema);
          }
        }
        releases.put(Integer.parseInt(dir.getFileName().toString()), schemas);
      }
    }
    assertFalse(releases.isEmpty(), "no released schema versions under " + RELEASED);
  }

  @Test
  void everyCurrentSchemaIsBackwardCompatibleWithItsLatestRelease() {
    List<String> problems = new ArrayList<>();
    for (Schema current : TopLevelSchemas.all()) {
      Schema released = latestRelease(current.getFullName());
      if (released != null) {
        POLICY.violations(current, List.of(released)).forEach(violation ->
            problems.add(current.getFullName() + ": " + violation));
      }
    }
    assertTrue(problems.isEmpty(), "breaking schema changes:\n" + String.join("\n", problems));
  }

  @Test
  void everyReleaseIsBackwardCompatibleWithThePreviousOne() {
    List<String> problems = new ArrayList<>();
    Map<String, Schema> previous = null;
    for (Map.Entry<Integer, Map<String, Schema>> release : releases.entrySet()) {
      if (previous != null) {
        for (Map.Entry<String, Schema> schema : release.getValue().entrySet()) {
          Schema before = previous.get(schema.getKey());
          if (before != null) {
            POLICY.violations(schema.getValue(), List.of(before)).forEach(violation ->
                problems.add("release " + release.getKey() + " " + schema.getKey() + ": "
                    + violation));
          }
        }
      }
      previous = release.getValue();
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void noReleasedRecordTypeDisappeared() {
    List<String> current = TopLevelSchemas.all().stream().map(Schema::getFullName).toList();
    for (String released : releases.lastEntry().getValue().keySet()) {
      if (!current.contains(released)) {
        fail(released + " was released but is no longer a top-level schema");
      }
    }
  }

  @Test
  void theCheckRejectsANewFieldWithoutDefault() {
    Schema released = latestRelease(VideoChunk.getClassSchema().getFullName());
    Schema broken = SchemaEdits.withField(VideoChunk.getClassSchema(),
        "{\"name\": \"rotationDegrees\", \"type\": \"int\"}");

    List<String> violations = POLICY.violations(broken, List.of(released));

    assertEquals(1, violations.size(), violations.toString());
    assertTrue(violations.get(0).contains("rotationDegrees"), violations.get(0));
  }

  @Test
  void theCheckRejectsAChangedFieldType() {
    Schema released = latestRelease(AudioChunk.getClassSchema().getFullName());
    Schema broken = SchemaEdits.withFieldType(AudioChunk.getClassSchema(), "sampleRate",
        "\"string\"");

    List<String> violations = POLICY.violations(broken, List.of(released));

    assertFalse(violations.isEmpty());
    assertTrue(violations.get(0).contains("/fields/6"), violations.get(0));
  }

  @Test
  void theCheckAcceptsANewFieldWithDefaultAndARemovedField() {
    Schema released = latestRelease(StreamControl.getClassSchema().getFullName());
    Schema evolved = SchemaEdits.withoutFields(
        SchemaEdits.withField(StreamControl.getClassSchema(),
            "{\"name\": \"volume\", \"type\": \"double\", \"default\": 1.0}"),
        "issuedAt");

    assertEquals(List.of(), POLICY.violations(evolved, List.of(released)));
  }

  private static Schema latestRelease(String fullName) {
    for (Map<String, Schema> release : releases.descendingMap().values()) {
      if (release.containsKey(fullName)) {
        return release.get(fullName);
      }
    }
    return null;
  }
}
