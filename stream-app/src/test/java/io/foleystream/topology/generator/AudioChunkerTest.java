package io.foleystream.topology.generator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.GapPolicy;
import io.foleystream.schemas.GenerationParameters;
import io.foleystream.schemas.GenerationSettings;
import io.foleystream.schemas.SampleEncoding;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.WindowCompletion;
import io.foleystream.schemas.WindowTask;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AudioChunkerTest {

  private static final long S = 1_000_000L;
  private static final GenerationParameters PARAMS = new GenerationParameters("tiny", 1L, 25,
      4.5, "a", "b");

  private static VideoChunk chunk(long seq, long start, long duration, boolean end) {
    return VideoChunk.newBuilder().setStreamId("s").setSequence(seq).setPtsStartMicros(start)
        .setDurationMicros(duration).setMediaType("video/mp2t")
        .setPayload(ByteBuffer.wrap(new byte[1])).setEndOfStream(end).build();
  }

  private static WindowTask task(long index, long start, long hop, List<VideoChunk> chunks) {
    return WindowTask.newBuilder().setStreamId("s").setWindowIndex(index)
        .setWindowStartMicros(start).setWindowDurationMicros(8 * S).setHopMicros(hop)
        .setGeneration(new GenerationSettings("", "", 42L, 25, 4.5, null)).setChunks(chunks)
        .setCoveredMicros(8 * S).setCompletion(WindowCompletion.COMPLETE)
        .setGapPolicy(GapPolicy.NONE).build();
  }

  /** A ramp, so that each sample says where it came from. */
  private static float[] ramp(int n) {
    float[] samples = new float[n];
    for (int i = 0; i < n; i++) {
      samples[i] = i / (float) n;
    }
    return samples;
  }

  private static float[] floats(AudioChunk chunk) {
    ByteBuffer b = chunk.getPayload().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[b.remaining() / 4];
    b.asFloatBuffer().get(out);
    return out;
  }

  @Test
  void aTumblingWindowIsCutAtItsChunksBoundariesWithoutLosingASample() {
    List<VideoChunk> chunks = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      chunks.add(chunk(4 + i, 8 * S + i * 2 * S, 2 * S, false));
    }
    float[] wave = ramp(128_000);
    List<AudioChunk> out = new AudioChunker(SampleEncoding.PCM_F32LE, 0).cut(
        task(1, 8 * S, 8 * S, chunks), wave, 16_000, PARAMS, Instant.EPOCH, null).chunks();
    assertEquals(4, out.size());
    int at = 0;
    for (int i = 0; i < 4; i++) {
      AudioChunk a = out.get(i);
      assertEquals(8 * S + i * 2 * S, a.getPtsStartMicros());
      assertEquals(2 * S, a.getDurationMicros());
      assertEquals(i, a.getChunkIndex());
      assertEquals(4, a.getChunkCount());
      float[] samples = floats(a);
      assertEquals(32_000, samples.length);
      assertEquals(wave[at], samples[0]);
      at += samples.length;
      assertFalse(a.getEndOfStream());
    }
    assertEquals(128_000, at);
  }

  @Test
  void cutsBetweenSamplesGoToTheNextSampleAndNoSampleIsSharedOrLost() {
    List<VideoChunk> chunks = List.of(chunk(0, 0, 1_033_333, false),
        chunk(1, 1_033_333, 3_000_000, false), chunk(2, 4_033_333, 3_966_667, false));
    float[] wave = ramp(352_800);
    List<AudioChunk> out = new AudioChunker(SampleEncoding.PCM_F32LE, 0).cut(
        task(0, 0, 8 * S, chunks), wave, 44_100, PARAMS, Instant.EPOCH, null).chunks();
    assertEquals(3, out.size());
    int total = 0;
    for (AudioChunk a : out) {
      total += floats(a).length;
    }
    assertEquals(352_800, total);
    assertEquals(45_570, floats(out.get(0)).length, "ceil(1.033333 s x 44100)");
    assertEquals(1_033_333, out.get(1).getPtsStartMicros(), "sample 45570 at 1033333.33 us");
  }

  @Test
  void theLastWindowStopsAtTheEndOfTheStreamAndIsMarked() {
    List<VideoChunk> chunks = List.of(chunk(12, 24 * S, 2 * S, false),
        chunk(13, 26 * S, 2 * S, false), chunk(14, 28 * S, 2 * S, true));
    List<AudioChunk> out = new AudioChunker(SampleEncoding.PCM_F32LE, 0).cut(
        task(3, 24 * S, 8 * S, chunks), ramp(128_000), 16_000, PARAMS, Instant.EPOCH, null)
        .chunks();
    assertEquals(3, out.size());
    assertEquals(30 * S, out.get(2).getPtsStartMicros() + out.get(2).getDurationMicros());
    assertTrue(out.get(2).getEndOfStream());
    assertFalse(out.get(1).getEndOfStream());
  }

  @Test
  void anOverlappingWindowPublishesOnlyItsHop() {
    List<VideoChunk> chunks = List.of(chunk(2, 4 * S, 2 * S, false), chunk(3, 6 * S, 2 * S,
        false), chunk(4, 8 * S, 2 * S, false), chunk(5, 10 * S, 2 * S, false));
    List<AudioChunk> out = new AudioChunker(SampleEncoding.PCM_F32LE, 0).cut(
        task(1, 4 * S, 4 * S, chunks), ramp(128_000), 16_000, PARAMS, Instant.EPOCH, null)
        .chunks();
    assertEquals(2, out.size());
    assertEquals(4 * S, out.get(0).getPtsStartMicros());
    assertEquals(8 * S, out.get(1).getPtsStartMicros() + out.get(1).getDurationMicros());
  }

  @Test
  void sixteenBitPcmIsClippedAndRounded() {
    float[] wave = new float[128_000];
    wave[0] = 2f;
    wave[1] = -0.5f;
    List<AudioChunk> out = new AudioChunker(SampleEncoding.PCM_S16LE, 0).cut(
        task(0, 0, 8 * S, List.of(chunk(0, 0, 8 * S, false))), wave, 16_000, PARAMS,
        Instant.EPOCH, null).chunks();
    ByteBuffer b = out.get(0).getPayload().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(256_000, b.remaining());
    assertEquals(32767, b.getShort());
    assertEquals(-16383, b.getShort(), "-16383.5 rounds half up");
    assertThrows(IllegalArgumentException.class, () -> new AudioChunker(SampleEncoding.FLAC, 0));
  }

  private static List<VideoChunk> twoSecondChunks(long from, long to, long endOfStreamAt) {
    List<VideoChunk> chunks = new ArrayList<>();
    for (long t = from; t < to; t += 2 * S) {
      chunks.add(chunk(t / (2 * S), t, 2 * S, t + 2 * S == endOfStreamAt));
    }
    return chunks;
  }

  private static float[] constant(float value) {
    float[] samples = new float[128_000];
    java.util.Arrays.fill(samples, value);
    return samples;
  }

  @Test
  void overlappingWindowsCrossfadeWithEqualPowerFromTheTailOfTheWindowBefore() {
    AudioChunker chunker = new AudioChunker(SampleEncoding.PCM_F32LE, 250_000);
    AudioChunker.Cut first = chunker.cut(task(0, 0, 4 * S, twoSecondChunks(0, 8 * S, -1)),
        constant(1f), 16_000, PARAMS, Instant.EPOCH, null);
    AudioChunk tail = first.tailUpdate().tail();
    assertEquals(4 * S, tail.getPtsStartMicros(), "the tail starts where window 1's region does");
    assertEquals(0, tail.getWindowIndex());
    assertEquals(4_000 * 4, tail.getPayload().remaining(), "250 ms at 16 kHz, float samples");
    assertEquals(1f, floats(first.chunks().get(0))[0], "window 0 has nothing to fade from");

    AudioChunker.Cut second = chunker.cut(task(1, 4 * S, 4 * S, twoSecondChunks(4 * S, 12 * S,
        -1)), constant(0f), 16_000, PARAMS, Instant.EPOCH, tail);
    float[] head = floats(second.chunks().get(0));
    for (int i : new int[] {0, 1000, 2000, 3999}) {
      double t = (i + 0.5) / 4000 * Math.PI / 2;
      assertEquals((float) StrictMath.cos(t), head[i], "faded sample " + i);
    }
    assertEquals(0f, head[4000], "after the crossfade, the window's own audio");
    assertTrue(head[0] > 0.99f && head[3999] < 0.01f);
  }

  @Test
  void onlyTheTailOfTheWindowJustBeforeIsUsedAndTheLastWindowDeletesIt() {
    AudioChunker chunker = new AudioChunker(SampleEncoding.PCM_F32LE, 250_000);
    AudioChunk tail = chunker.cut(task(0, 0, 4 * S, twoSecondChunks(0, 8 * S, -1)),
        constant(1f), 16_000, PARAMS, Instant.EPOCH, null).tailUpdate().tail();
    AudioChunker.Cut skipped = chunker.cut(task(2, 8 * S, 4 * S, twoSecondChunks(8 * S, 16 * S,
        16 * S)), constant(0f), 16_000, PARAMS, Instant.EPOCH, tail);
    assertEquals(0f, floats(skipped.chunks().get(0))[0], "window 1's tail is not window 2's");
    AudioChunker.Cut last = chunker.cut(task(3, 12 * S, 4 * S, twoSecondChunks(12 * S, 16 * S,
        16 * S)), constant(0f), 16_000, PARAMS, Instant.EPOCH, null);
    assertTrue(last.chunks().get(last.chunks().size() - 1).getEndOfStream());
    assertEquals(null, last.tailUpdate().tail(), "the stream's tail is deleted");
  }

  @Test
  void tumblingWindowsKeepNoTail() {
    AudioChunker chunker = new AudioChunker(SampleEncoding.PCM_F32LE, 250_000);
    assertEquals(null, chunker.cut(task(0, 0, 8 * S, twoSecondChunks(0, 8 * S, -1)),
        constant(1f), 16_000, PARAMS, Instant.EPOCH, null).tailUpdate());
  }
}
