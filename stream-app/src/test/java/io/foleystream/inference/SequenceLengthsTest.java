package io.foleystream.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The lengths of any duration against the official SequenceConfig (model-facts.md section 2). */
class SequenceLengthsTest {

  /** An 8 s geometry of a 16 kHz (hop 256) or 44.1 kHz (hop 512) set. */
  private static SequenceConfig eightSeconds(int hop, int sampleRate) {
    int latent = (int) Math.ceil(8.0 * sampleRate / hop / 2);
    return new SequenceConfig(latent, 20, 64, 64, 192, 77, 1024, 768, 1024, 8, 25, 64, 200, 16, 8,
        384, 224, latent * 2 * hop, 80, 11);
  }

  @ParameterizedTest
  @CsvSource({
      "256, 16000, 8.0, 250, 64, 192, 128000",
      "256, 16000, 10.0, 313, 80, 240, 160256",
      "256, 16000, 5.0, 157, 40, 112, 80384",
      "256, 16000, 4.2, 132, 33, 96, 67584",
      "512, 44100, 8.0, 345, 64, 192, 353280",
      "512, 44100, 10.0, 431, 80, 240, 441344",
      "512, 44100, 5.0, 216, 40, 112, 221184",
      "512, 44100, 4.2, 181, 33, 96, 185344"})
  void lengthsEqualTheOfficialSequenceConfig(int hop, int sampleRate, double duration,
      int latent, int clip, int sync, int samples) {
    SequenceConfig s = SequenceLengths.at(eightSeconds(hop, sampleRate), sampleRate, duration);
    assertEquals(latent, s.latentLen());
    assertEquals(clip, s.clipLen());
    assertEquals(clip, s.clipFrames());
    assertEquals(sync, s.syncLen());
    assertEquals(samples, s.samples());
    assertEquals(sync / SequenceConfig.SYNC_TOKENS_PER_SEGMENT, s.syncSegments());
    assertEquals((int) (duration * 25), s.syncFrames());
  }

  @ParameterizedTest
  @CsvSource({"0.63", "0.0", "-1", "NaN", "Infinity"})
  void durationsWithoutOneSyncSegmentAreRefused(double duration) {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> SequenceLengths.at(eightSeconds(256, 16000), 16000, duration));
    assertTrue(e.getMessage().contains("at least 0.64 s"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({"8.0, 24, 75, 3.0", "8.0, 64, 200, 8.0", "5.0, 64, 200, 5.0", "8.0, 30, 50, 2.0"})
  void aShortClipShrinksTheDurationToWhatBothGridsCover(double requested, int clipFrames,
      int syncFrames, double covered) {
    assertEquals(covered, SequenceLengths.coveredDurationS(requested, clipFrames, syncFrames,
        eightSeconds(256, 16000)));
  }
}
