package io.foleystream.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.npy.NpyArray;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rendering only the end of a window: the vocoder, run from its context before the first needed
 * sample, gives that end as the whole-window run does, and nothing before it.
 */
class LatentDecoderTest {

  private static ModelSet set;
  private static ModelSessions sessions;
  private static LatentDecoder decoder;
  private static float[] latent;
  private static float[] whole;

  @BeforeAll
  static void open() throws IOException {
    set = ModelSet.open(TinyModelSet.DIRECTORY);
    sessions = ModelSessions.open(set, RuntimeOptions.defaults().withThreads(2, 1));
    decoder = new LatentDecoder(sessions.model(ModelGraph.VAE_DECODER),
        sessions.model(ModelGraph.VOCODER), sessions.environment(), set.sequence(),
        set.manifest().durationS(), set.manifest().sampleRate());
    latent = NpyArray.read(TinyModelSet.GOLDEN.resolve("decoder_latent.npy")).toFloatArray();
    whole = decoder.decode(latent, 0);
  }

  @AfterAll
  static void close() {
    sessions.close();
  }

  @Test
  void theEndOfAWindowComesOutAsInTheWholeWindow() {
    SequenceConfig s = set.sequence();
    int hop = s.samplesPerMelFrame();
    int[] firsts = {(s.vocoderContextFrames() + 1) * hop + 7, whole.length / 2 + 100,
        whole.length - 3 * hop - 1};
    for (int first : firsts) {
      float[] end = decoder.decode(latent, first);
      int from = decoder.renderedFrom(first);
      assertEquals(first / hop * hop, from, "rendered from the first needed sample's mel frame");
      assertEquals(whole.length, end.length);
      double scale = 0;
      double error = 0;
      for (int i = 0; i < whole.length; i++) {
        if (i < from) {
          assertEquals(0f, end[i], "sample " + i + " before the rendered stretch");
        } else {
          scale = Math.max(scale, Math.abs(whole[i]));
          error = Math.max(error, Math.abs(whole[i] - end[i]));
        }
      }
      assertTrue(scale > 0, "the end of the window is not silent");
      assertTrue(error <= 1e-5 * scale, "from " + first + ": max error " + error + " of "
          + scale);
    }
  }

  @Test
  void aFirstSampleWithinTheContextOfTheStartRendersTheWholeWindow() {
    int first = set.sequence().vocoderContextFrames() * set.sequence().samplesPerMelFrame() - 1;
    assertEquals(0, decoder.renderedFrom(first));
    float[] again = decoder.decode(latent, first);
    for (int i = 0; i < whole.length; i++) {
      assertEquals(whole[i], again[i], "sample " + i);
    }
  }

  @Test
  void aFirstSampleOutsideTheWindowIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> decoder.decode(latent, -1));
    assertThrows(IllegalArgumentException.class, () -> decoder.decode(latent, whole.length));
  }
}
