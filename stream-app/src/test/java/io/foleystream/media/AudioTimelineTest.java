package io.foleystream.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AudioTimelineTest {

  private static AudioBlock ramp(long ptsUs, int rate, int frames, float from) {
    float[] samples = new float[frames];
    for (int i = 0; i < frames; i++) {
      samples[i] = from + i;
    }
    return new AudioBlock(ptsUs, rate, 1, samples);
  }

  @Test
  void spansTileTheSamplesExactlyOverAnHourOfOddLengthChunks() {
    int rate = 44_100;
    AudioTimeline timeline = new AudioTimeline();
    long origin = 123_457;
    timeline.add(ramp(origin, rate, 10, 0));
    long from = origin;
    long frames = 0;
    // 1.96 s chunks (a 25 fps GOP of 49 frames) for an hour: no frame lost or repeated.
    for (int k = 0; from - origin < 3_600_000_000L; k++) {
      long to = from + 1_960_000;
      AudioTimeline.Span span = timeline.take(from, to);
      assertEquals(frames, span.firstFrame(), "span " + k + " follows the previous one");
      frames += span.audio().frames();
      from = to;
    }
    assertEquals(Math.floorDiv((from - origin) * rate, 1_000_000L), frames);
  }

  @Test
  void missingAudioIsSilenceAndCountedAndLateAudioIsDropped() {
    int rate = 16_000;
    AudioTimeline timeline = new AudioTimeline();
    timeline.add(ramp(0, rate, 16_000, 1));
    AudioTimeline.Span first = timeline.take(0, 2_000_000);
    assertEquals(16_000, first.missingFrames(), "the second second had no audio");
    assertEquals(1f, first.audio().samples()[0]);
    assertEquals(16_000f, first.audio().samples()[15_999]);
    assertEquals(0f, first.audio().samples()[16_000]);
    assertTrue(first.incomplete());
    // Audio for 1.5-3 s arrives late: its first half second is dropped, the rest is used.
    long dropped = timeline.add(ramp(1_500_000, rate, 24_000, 100));
    assertEquals(8_000, dropped);
    AudioTimeline.Span second = timeline.take(2_000_000, 3_000_000);
    assertEquals(0, second.missingFrames());
    assertEquals(100f + 8_000, second.audio().samples()[0]);
    assertEquals(16_000, timeline.add(ramp(2_000_000, rate, 16_000, 0)), "wholly late");
  }

  @Test
  void silenceBeforeAnyAudioTakesTheFallbackFormatThenTheAudiosOwn() {
    AudioTimeline timeline = new AudioTimeline();
    AudioTimeline.Span before = timeline.take(0, 1_000_000);
    assertEquals(AudioTimeline.FALLBACK_RATE, before.audio().sampleRate());
    assertEquals(AudioTimeline.FALLBACK_RATE, before.missingFrames());
    timeline.add(ramp(1_000_000, 16_000, 16_000, 1));
    AudioTimeline.Span after = timeline.take(1_000_000, 2_000_000);
    assertEquals(16_000, after.audio().sampleRate());
    assertEquals(16_000, after.firstFrame(), "counted from the origin at the audio's rate");
    assertEquals(0, after.missingFrames());
  }

  @Test
  void spansMustFollowEachOtherAndFormatsMustAgree() {
    AudioTimeline timeline = new AudioTimeline();
    timeline.add(ramp(0, 16_000, 100, 0));
    timeline.take(0, 1_000_000);
    assertThrows(IllegalArgumentException.class, () -> timeline.take(1_500_000, 2_000_000));
    assertThrows(IllegalArgumentException.class,
        () -> timeline.add(ramp(0, 44_100, 100, 0)));
  }
}
