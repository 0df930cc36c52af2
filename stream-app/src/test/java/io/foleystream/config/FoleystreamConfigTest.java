package io.foleystream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FoleystreamConfigTest {

  @TempDir
  Path dir;

  @Test
  void environmentVariablesMapToKafkaKeysAndToTheApplicationsOwnKeys() {
    assertEquals(Optional.of("bootstrap.servers"),
        ConfigKeys.keyForEnvironmentVariable("FOLEYSTREAM_BOOTSTRAP_SERVERS"));
    assertEquals(Optional.of("schema.registry.url"),
        ConfigKeys.keyForEnvironmentVariable("FOLEYSTREAM_SCHEMA_REGISTRY_URL"));
    assertEquals(Optional.of("foleystream.window.grace.ms"),
        ConfigKeys.keyForEnvironmentVariable("FOLEYSTREAM_WINDOW_GRACE_MS"));
    assertEquals(Optional.of("some_key.with-dash"),
        ConfigKeys.keyForEnvironmentVariable("FOLEYSTREAM_SOME__KEY_WITH___DASH"));
    assertEquals(Optional.empty(), ConfigKeys.keyForEnvironmentVariable("FOLEYSTREAM_JAVA_OPTS"));
    assertEquals(Optional.empty(), ConfigKeys.keyForEnvironmentVariable("PATH"));
  }

  @Test
  void everyKeysEnvironmentVariableMapsBackToIt() {
    for (ConfigKeys.Key key : ConfigKeys.all()) {
      assertEquals(Optional.of(key.name()),
          ConfigKeys.keyForEnvironmentVariable(key.environmentVariable()), key.name());
    }
    assertEquals(Optional.of("processing.guarantee"), ConfigKeys.keyForEnvironmentVariable(
        ConfigKeys.environmentVariableFor("processing.guarantee")));
  }

  @Test
  void yamlNestsAndTheEnvironmentWinsOverTheFile() throws Exception {
    Path file = dir.resolve("app.yaml");
    Files.writeString(file, """
        bootstrap.servers: kafka:9092
        schema.registry:
          url: http://registry:8080/apis/ccompat/v7
        foleystream:
          window:
            grace.ms: 500
          roles: [assembler, generator]
        """);
    FoleystreamConfig config = FoleystreamConfig.load(file,
        Map.of("FOLEYSTREAM_BOOTSTRAP_SERVERS", "other:9092", "HOME", "/root"));
    assertEquals("other:9092", config.raw("bootstrap.servers"));
    assertEquals(500, config.longValue(ConfigKeys.WINDOW_GRACE_MS));
    assertEquals("assembler,generator", config.string(ConfigKeys.ROLES));
    Map<String, Object> kafka = config.passThrough();
    assertEquals("http://registry:8080/apis/ccompat/v7", kafka.get("schema.registry.url"));
    assertFalse(kafka.containsKey("foleystream.window.grace.ms"));
    assertFalse(kafka.containsKey("home"));
  }

  @Test
  void propertiesFilesWorkAndDefaultsFillTheRest() throws Exception {
    Path file = dir.resolve("app.properties");
    Files.writeString(file, "processing.guarantee=at_least_once\nfoleystream.http.port=9000\n");
    FoleystreamConfig config = FoleystreamConfig.load(file, Map.of());
    assertEquals("at_least_once", config.passThrough().get("processing.guarantee"));
    assertEquals(9000, config.intValue(ConfigKeys.HTTP_PORT));
    assertEquals(2000, config.longValue(ConfigKeys.WINDOW_GRACE_MS));
  }

  @Test
  void badValuesAreNamed() {
    FoleystreamConfig config = FoleystreamConfig.of(Map.of("foleystream.window.grace.ms", "soon",
        "foleystream.topic.create", "maybe"));
    ConfigException e = assertThrows(ConfigException.class,
        () -> config.longValue(ConfigKeys.WINDOW_GRACE_MS));
    assertTrue(e.getMessage().contains("foleystream.window.grace.ms"), e.getMessage());
    assertThrows(ConfigException.class, () -> config.booleanValue(ConfigKeys.TOPIC_CREATE));
    ConfigException missing = assertThrows(ConfigException.class,
        () -> config.required(ConfigKeys.MODELS));
    assertTrue(missing.getMessage().contains("FOLEYSTREAM_MODELS"), missing.getMessage());
  }

  @Test
  void aYamlFileThatIsNotAMapIsRefused() throws Exception {
    Path file = dir.resolve("bad.yml");
    Files.writeString(file, "- a\n- b\n");
    assertThrows(ConfigException.class, () -> FoleystreamConfig.load(file, Map.of()));
  }

  @Test
  void theTopologyDocumentationListsEveryKeyWithItsVariable() throws Exception {
    String doc = Files.readString(Path.of("../docs/topology.md"));
    for (ConfigKeys.Key key : ConfigKeys.all()) {
      assertTrue(doc.contains("| `" + key.name() + "` | `" + key.environmentVariable() + "` |"),
          "docs/topology.md lacks " + key.name());
    }
  }
}
