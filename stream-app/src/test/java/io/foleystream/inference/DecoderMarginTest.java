package io.foleystream.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class DecoderMarginTest {

  @Test
  void tenLatentFramesOfEachFamily() {
    assertEquals(5120, DecoderMargin.defaultSamples(512));
    assertEquals(320, DecoderMargin.defaultMillis(512, 16000));
    assertEquals(10240, DecoderMargin.defaultSamples(1024));
    // 10240 / 44100 s = 232.2 ms, rounded up so that the milliseconds cover the samples.
    assertEquals(233, DecoderMargin.defaultMillis(1024, 44100));
  }
}
