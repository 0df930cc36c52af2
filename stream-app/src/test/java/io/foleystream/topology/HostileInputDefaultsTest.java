package io.foleystream.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.foleystream.config.ConfigKeys;
import io.foleystream.media.DecoderSettings;
import io.foleystream.topology.generator.RetryBudget;
import io.foleystream.topology.records.ControlBounds;
import io.foleystream.topology.records.TimelineBounds;
import org.junit.jupiter.api.Test;

/** The documented defaults of the hostile-input keys are the ones the code falls back to. */
class HostileInputDefaultsTest {

  private static long ms(ConfigKeys.Key key) {
    return Long.parseLong(key.defaultValue());
  }

  @Test
  void timelineAndControlKeysDefaultToTheBoundsDefaults() {
    TimelineBounds timeline = TimelineBounds.defaults();
    assertEquals(timeline.maxChunkDurationMicros(), ms(ConfigKeys.MAX_CHUNK_DURATION_MS) * 1000);
    assertEquals(timeline.maxJumpMicros(), ms(ConfigKeys.MAX_PTS_JUMP_MS) * 1000);
    assertEquals(timeline.maxOriginDistanceMicros(),
        ms(ConfigKeys.MAX_ORIGIN_DISTANCE_MS) * 1000);
    assertEquals(timeline.maxWindowsPerRecord(), ms(ConfigKeys.MAX_WINDOWS_PER_RECORD));
    assertEquals(timeline.maxWindowsPerPunctuation(), ms(ConfigKeys.MAX_WINDOWS_PER_PUNCTUATION));
    ControlBounds control = ControlBounds.defaults();
    assertEquals(control.maxPromptBytes(), ms(ConfigKeys.CONTROL_MAX_PROMPT_BYTES));
    assertEquals(control.maxSteps(), ms(ConfigKeys.CONTROL_MAX_STEPS));
    assertEquals(control.minCfgStrength(),
        Double.parseDouble(ConfigKeys.CONTROL_MIN_CFG.defaultValue()));
    assertEquals(control.maxCfgStrength(),
        Double.parseDouble(ConfigKeys.CONTROL_MAX_CFG.defaultValue()));
  }

  @Test
  void decoderAndRetryKeysDefaultToTheirSettingsDefaults() {
    DecoderSettings decoder = DecoderSettings.defaults();
    assertEquals(decoder.maxFrameWidth(), ms(ConfigKeys.DECODER_MAX_WIDTH));
    assertEquals(decoder.maxFrameHeight(), ms(ConfigKeys.DECODER_MAX_HEIGHT));
    assertEquals(decoder.maxSourcePixels(), ms(ConfigKeys.DECODER_MAX_SOURCE_PIXELS));
    assertEquals(decoder.maxFramesPerChunk(), ms(ConfigKeys.DECODER_MAX_FRAMES));
    assertEquals(decoder.maxChunkBytes(), ms(ConfigKeys.DECODER_MAX_BYTES));
    assertEquals(decoder.stallTimeoutMs(), ms(ConfigKeys.DECODER_STALL_TIMEOUT_MS));
    assertEquals(RetryBudget.defaults().maxAttempts(), ms(ConfigKeys.RETRY_ATTEMPTS));
  }
}
