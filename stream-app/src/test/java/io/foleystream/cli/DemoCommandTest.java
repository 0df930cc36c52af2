package io.foleystream.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.config.ConfigKeys;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the demo's {@code --set} entries join the settings the demo makes itself. */
class DemoCommandTest {

  private static final Map<String, String> OWN = Map.of(
      "bootstrap.servers", "127.0.0.1:9092",
      ConfigKeys.WINDOW_MODE.name(), "LIVE",
      ConfigKeys.INSTANCE_ID.name(), "demo");

  @Test
  void extraKeysJoinTheDemosOwnAndMayReplaceWhatNoOptionSets() {
    Map<String, String> all = DemoCommand.withExtraSettings(OWN, Map.of(
        "foleystream.window.ramp.up", "false",
        "foleystream.media.decoder.threads", "libav",
        ConfigKeys.INSTANCE_ID.name(), "bench"));

    assertEquals("false", all.get("foleystream.window.ramp.up"));
    assertEquals("libav", all.get("foleystream.media.decoder.threads"));
    assertEquals("bench", all.get(ConfigKeys.INSTANCE_ID.name()));
    assertEquals("LIVE", all.get(ConfigKeys.WINDOW_MODE.name()));
    assertEquals("127.0.0.1:9092", all.get("bootstrap.servers"));
    assertEquals(5, all.size());
  }

  @Test
  void keysTheDemoDecidesAreRefusedWithWhatToUseInstead() {
    for (Map.Entry<String, String> refused : Map.of(
        ConfigKeys.WINDOW_HOP_MS.name(), "use --hop-ms",
        ConfigKeys.MODELS.name(), "use --models",
        ConfigKeys.STEPS.name(), "use --steps",
        ConfigKeys.PROMPT.name(), "use --prompt",
        ConfigKeys.WINDOW_DURATION_MS.name(), "the model set's",
        "schema.registry.url", "its own registry",
        "state.dir", "under --out").entrySet()) {
      UsageException e = assertThrows(UsageException.class,
          () -> DemoCommand.withExtraSettings(OWN, Map.of(refused.getKey(), "1")));
      assertTrue(e.getMessage().startsWith("--set " + refused.getKey() + ": "), e.getMessage());
      assertTrue(e.getMessage().contains(refused.getValue()), e.getMessage());
    }
  }
}
