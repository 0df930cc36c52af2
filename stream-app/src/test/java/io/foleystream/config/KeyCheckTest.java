package io.foleystream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyCheckTest {

  private static void check(Map<String, String> values, Map<String, String> env) {
    KeyCheck.requireKnown(FoleystreamConfig.load(null, env).with(values), env);
  }

  @Test
  void aMisspeltKeyIsRefusedWithTheClosestKnownOne() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> check(Map.of("foleystream.window.gap.polcy", "SILENCE"), Map.of()));
    assertEquals("unknown key foleystream.window.gap.polcy (did you mean "
        + "foleystream.window.gap.policy?)", e.getMessage());
  }

  @Test
  void aMisspeltEnvironmentVariableIsRefusedWithTheRightVariable() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> check(Map.of(), Map.of("FOLEYSTREAM_GENERATION_BATCHSIZE", "8")));
    assertTrue(e.getMessage().startsWith("FOLEYSTREAM_GENERATION_BATCHSIZE names no key"),
        e.getMessage());
    assertTrue(e.getMessage().contains("FOLEYSTREAM_GENERATION_BATCH_SIZE, which sets "
        + "foleystream.generation.batch.size"), e.getMessage());
  }

  @Test
  void anUnknownApplicationKeyFromTheEnvironmentNamesItsVariable() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> check(Map.of(), Map.of("FOLEYSTREAM_FOLEYSTREAM_WINDOW_GRACE", "1")));
    assertTrue(e.getMessage().startsWith("FOLEYSTREAM_FOLEYSTREAM_WINDOW_GRACE sets unknown key"
        + " foleystream.window.grace"), e.getMessage());
  }

  @Test
  void everyProblemIsListed() {
    Map<String, String> values = new HashMap<>();
    values.put("foleystream.modles", "/m");
    values.put("foleystream.http.prot", "1");
    ConfigException e = assertThrows(ConfigException.class, () -> check(values, Map.of()));
    assertTrue(e.getMessage().contains("did you mean foleystream.models?")
        && e.getMessage().contains("did you mean foleystream.http.port?"), e.getMessage());
  }

  @Test
  void everyKnownKeyAndThePassThroughKeysAreAccepted() {
    Map<String, String> values = new HashMap<>();
    Map<String, String> env = new HashMap<>();
    for (ConfigKeys.Key key : ConfigKeys.all()) {
      values.put(key.name(), "x");
      env.put(key.environmentVariable(), "x");
    }
    values.put("bootstrap.servers", "k:9092");
    values.put("window.size.ms", "100");
    values.put("topic.max.message.bytes", "100");
    env.put("FOLEYSTREAM_BOOTSTRAP_SERVERS", "k:9092");
    env.put("FOLEYSTREAM_SCHEMA_REGISTRY_URL", "http://r");
    env.put("FOLEYSTREAM_AUTO_REGISTER_SCHEMAS", "false");
    ConfigKeys.NON_CONFIG_ENVIRONMENT.forEach(variable -> env.put(variable, "x"));
    check(values, env);
  }

  @Test
  void eachKeyWithATypoSuggestsItself() {
    for (ConfigKeys.Key key : ConfigKeys.all()) {
      String name = key.name();
      String typo = name.substring(0, name.length() - 2) + name.charAt(name.length() - 1);
      assertEquals(name, KeyCheck.closest(typo).name(), typo);
    }
  }
}
