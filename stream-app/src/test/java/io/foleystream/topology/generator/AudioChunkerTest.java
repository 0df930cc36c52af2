package io.foleystream.topology.generator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.GapPolicy;
import io.foleystream.schemas.GenerationParameters;
import io.foleystream.schemas.GenerationSettings;
import io.foleystream.schemas.GeneratorState;
import io.foleystream.schemas.SampleEncoding;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.schemas.WindowCompletion;
import io.foleystream.schemas.WindowGrid;
import io.foleystream.schemas.WindowMode;
import io.foleystream.schemas.WindowTask;
import io.foleystream.topology.timeline.StreamTimeline;
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
        .setGeneration(new GenerationSettings("", "", 42L, 25, 4.5, null, false)).setChunks(chunks)
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
    List<AudioChunk> out = new AudioChunker(SampleEncoding.PCM_F32LE, 0, 0, 512).cut(
        task(1, 8 * S, 8 * S, chunks), wave, null, 16_000, PARAMS, Instant.EPOCH, null).chunks();
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
    List<AudioChunk> out = new AudioChunker(SampleEncoding.PCM_F32LE, 0, 0, 512).cut(
        task(0, 0, 8 * S, chunks), wave, null, 44_100, PARAMS, Instant.EPOCH, null).chunks();
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
    List<AudioChunk> out = new AudioChunker(SampleEncoding.PCM_F32LE, 0, 0, 512).cut(
        task(3, 24 * S, 8 * S, chunks), ramp(128_000), null, 16_000, PARAMS, Instant.EPOCH, null)
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
    List<AudioChunk> out = new AudioChunker(SampleEncoding.PCM_F32LE, 0, 0, 512).cut(
        task(1, 4 * S, 4 * S, chunks), ramp(128_000), null, 16_000, PARAMS, Instant.EPOCH, null)
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
    List<AudioChunk> out = new AudioChunker(SampleEncoding.PCM_S16LE, 0, 0, 512).cut(
        task(0, 0, 8 * S, List.of(chunk(0, 0, 8 * S, false))), wave, null, 16_000, PARAMS,
        Instant.EPOCH, null).chunks();
    ByteBuffer b = out.get(0).getPayload().duplicate().order(ByteOrder.LITTLE_ENDIAN);
    assertEquals(256_000, b.remaining());
    assertEquals(32767, b.getShort());
    assertEquals(-16383, b.getShort(), "-16383.5 rounds half up");
    assertThrows(IllegalArgumentException.class, () -> new AudioChunker(SampleEncoding.FLAC, 0, 0, 512));
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
    AudioChunker chunker = new AudioChunker(SampleEncoding.PCM_F32LE, 250_000, 0, 512);
    float[] firstWave = signal(0);
    AudioChunker.Cut first = chunker.cut(task(0, 0, 4 * S, twoSecondChunks(0, 8 * S, -1)),
        firstWave, null, 16_000, PARAMS, Instant.EPOCH, null);
    GeneratorState tail = first.stateUpdate().state();
    assertEquals(64_000, tail.getPublishedEndSamples(), "the tail starts where window 1's region"
        + " does");
    assertEquals(0, tail.getWindowIndex());
    float[] tailSamples = AudioChunker.floats(tail.getTail());
    assertEquals(4_000, tailSamples.length, "250 ms at 16 kHz");
    assertArrayEquals(java.util.Arrays.copyOfRange(firstWave, 64_000, 68_000), tailSamples,
        "window 0's own rendering of the next 250 ms");
    assertTrue(java.util.Arrays.equals(java.util.Arrays.copyOf(firstWave, 64_000),
        published(first)), "window 0 has nothing to fade from");

    // Both renderings are signals, different ones, so that each fade term shows in the result.
    float[] own = new float[128_000];
    for (int i = 0; i < own.length; i++) {
      own[i] = (float) Math.cos(i * 0.003) * 0.5f;
    }
    AudioChunker.Cut second = chunker.cut(task(1, 4 * S, 4 * S, twoSecondChunks(4 * S, 12 * S,
        -1)), own.clone(), null, 16_000, PARAMS, Instant.EPOCH, tail);
    float[] head = published(second);
    double diff = 0;
    double signal = 0;
    for (int i = 0; i < 4000; i++) {
      double t = (i + 0.5) / 4000 * Math.PI / 2;
      float expected = (float) (tailSamples[i] * Math.cos(t) + own[i] * Math.sin(t));
      assertEquals(expected, head[i], 1e-7f, "faded sample " + i);
      diff += Math.pow(tailSamples[i] - own[i], 2);
      signal += head[i] * (double) head[i];
    }
    assertEquals(own[4000], head[4000], "after the crossfade, the window's own audio");
    assertEquals(own[63_999], head[63_999]);
    assertEquals(Math.sqrt(diff / signal), second.seamError(), 1e-9,
        "RMS of the renderings' difference over the RMS of the published fade");
  }

  @Test
  void onlyTheTailOfTheWindowJustBeforeIsUsedAndTheLastWindowDeletesIt() {
    AudioChunker chunker = new AudioChunker(SampleEncoding.PCM_F32LE, 250_000, 0, 512);
    GeneratorState tail = chunker.cut(task(0, 0, 4 * S, twoSecondChunks(0, 8 * S, -1)),
        constant(1f), null, 16_000, PARAMS, Instant.EPOCH, null).stateUpdate().state();
    AudioChunker.Cut skipped = chunker.cut(task(2, 8 * S, 4 * S, twoSecondChunks(8 * S, 16 * S,
        16 * S)), constant(0f), null, 16_000, PARAMS, Instant.EPOCH, tail);
    assertEquals(0f, floats(skipped.chunks().get(0))[0], "window 1's tail is not window 2's");
    AudioChunker.Cut last = chunker.cut(task(3, 12 * S, 4 * S, twoSecondChunks(12 * S, 16 * S,
        16 * S)), constant(0f), null, 16_000, PARAMS, Instant.EPOCH, null);
    assertTrue(last.chunks().get(last.chunks().size() - 1).getEndOfStream());
    assertEquals(null, last.stateUpdate().state(), "the stream's state is deleted");
  }

  @Test
  void tumblingWindowsKeepNoTail() {
    AudioChunker chunker = new AudioChunker(SampleEncoding.PCM_F32LE, 250_000, 0, 512);
    assertEquals(null, chunker.cut(task(0, 0, 8 * S, twoSecondChunks(0, 8 * S, -1)),
        constant(1f), null, 16_000, PARAMS, Instant.EPOCH, null).stateUpdate());
  }

  private static WindowTask liveTask(long index, long offsetSamples, long hopSamples,
      long marginSamples, List<VideoChunk> chunks) {
    WindowTask task = task(index, offsetSamples * S / 16_000, hopSamples * S / 16_000, chunks);
    task.setGrid(new WindowGrid(WindowMode.LIVE, 0L, offsetSamples, hopSamples, 16_000,
        marginSamples));
    return task;
  }

  private static float[] published(AudioChunker.Cut cut) {
    int n = 0;
    for (AudioChunk a : cut.chunks()) {
      n += floats(a).length;
    }
    float[] all = new float[n];
    int at = 0;
    for (AudioChunk a : cut.chunks()) {
      float[] f = floats(a);
      System.arraycopy(f, 0, all, at, f.length);
      at += f.length;
    }
    return all;
  }

  /** One continuous signal, of which each live window renders its 8 s. */
  private static float[] signal(long fromSample) {
    float[] out = new float[128_000];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) Math.sin((fromSample + i) * 0.01);
    }
    return out;
  }

  @Test
  void liveWindowsPublishEachSampleOnceAndJoinWithoutASeam() {
    AudioChunker chunker = new AudioChunker(SampleEncoding.PCM_F32LE, 250_000, 5_000, 512);
    long hop = 63 * 512;
    long margin = 12 * 512;
    GeneratorState state = null;
    long publishedUpTo = 0;
    for (int k = 0; k < 4; k++) {
      long offset = k * hop;
      WindowTask task = liveTask(k, offset, hop, margin, twoSecondChunks(0, 40 * S, -1));
      int from = chunker.publishedFrom(task, 128_000, 16_000, state);
      assertEquals(publishedUpTo - offset, from, "window " + k + " needs its audio from there");
      // The engine does not render what the cut does not read.
      float[] rendered = signal(offset);
      java.util.Arrays.fill(rendered, 0, from, Float.NaN);
      AudioChunker.Cut cut = chunker.cut(task, rendered, new float[] {k}, 16_000, PARAMS,
          Instant.EPOCH, state);
      assertEquals(publishedUpTo, cut.region().startSamples(), "window " + k);
      assertEquals(offset + 128_000 - margin, cut.region().endSamples());
      float[] audio = published(cut);
      for (int i = 0; i < audio.length; i += 997) {
        assertEquals(Math.sin((publishedUpTo + i) * 0.01), audio[i], 1e-6, "sample " + i);
      }
      if (k == 0) {
        assertTrue(Double.isNaN(cut.seamError()), "the first window has no join");
      } else {
        assertEquals(0, cut.seamError(), 1e-6, "two renderings of one signal");
      }
      state = cut.stateUpdate().state();
      assertEquals(WindowMode.LIVE, state.getMode());
      assertEquals((12 - AudioChunker.EDGE_CONTEXT_FRAMES) * 512 * 4,
          state.getTail().remaining(), "the tail is the margin before the edge context");
      assertEquals(k, AudioChunker.floats(state.getLatent())[0], "the window's own latent");
      assertEquals(128_000 / 512, state.getLatentFrames(), "the latent of the whole window");
      publishedUpTo = cut.region().endSamples();
    }
  }

  @Test
  void aLiveJoinBetweenDifferentRenderingsIsMeasuredAndFaded() {
    AudioChunker chunker = new AudioChunker(SampleEncoding.PCM_F32LE, 250_000, 0, 512);
    long hop = 63 * 512;
    long margin = 12 * 512;
    GeneratorState state = chunker.cut(liveTask(0, 0, hop, margin, twoSecondChunks(0, 8 * S,
        -1)), constant(1f), new float[1], 16_000, PARAMS, Instant.EPOCH, null).stateUpdate()
        .state();
    AudioChunker.Cut next = chunker.cut(liveTask(1, hop, hop, margin, twoSecondChunks(0, 12 * S,
        -1)), constant(0.5f), new float[1], 16_000, PARAMS, Instant.EPOCH, state);
    float[] audio = published(next);
    assertTrue(audio[0] > 0.99f, "starts from the previous rendering");
    int fade = (12 - AudioChunker.EDGE_CONTEXT_FRAMES) * 512;
    assertEquals(0.5f, audio[fade], "the window's own audio after the fade");
    double t = 1000.5 / fade * Math.PI / 2;
    assertEquals((float) (Math.cos(t) * Math.cos(t) + 0.5 * Math.sin(t) * Math.sin(t)),
        audio[1000], 1e-6, "equal-gain fade");
    assertTrue(next.seamError() > 0.5 && next.seamError() < 1.5, "RMS 0.5 over RMS ~0.75");
  }

  @Test
  void aTumblingWindowPublishesTheEnginesSamplesUntouchedWithoutDeclick() {
    AudioChunker chunker = new AudioChunker(SampleEncoding.PCM_F32LE, 250_000, 0, 512);
    float[] wave = signal(0);
    AudioChunker.Cut cut = chunker.cut(task(0, 0, 8 * S, twoSecondChunks(0, 8 * S, -1)), wave,
        null, 16_000, PARAMS, Instant.EPOCH, null);
    assertTrue(java.util.Arrays.equals(wave, published(cut)), "bit for bit");
    assertEquals(null, cut.stateUpdate(), "no state to keep");
  }

  @Test
  void tumblingWindowsDeclickTheirJoinAndMeasureTheStep() {
    AudioChunker chunker = new AudioChunker(SampleEncoding.PCM_F32LE, 250_000, 5_000, 512);
    AudioChunker.Cut first = chunker.cut(task(0, 0, 8 * S, twoSecondChunks(0, 8 * S, -1)),
        constant(1f), null, 16_000, PARAMS, Instant.EPOCH, null);
    GeneratorState state = first.stateUpdate().state();
    assertEquals(1f, state.getLastSample());
    assertEquals(0, state.getTail().remaining());
    AudioChunker.Cut second = chunker.cut(task(1, 8 * S, 8 * S, twoSecondChunks(8 * S, 16 * S,
        -1)), constant(0.5f), null, 16_000, PARAMS, Instant.EPOCH, state);
    float[] audio = published(second);
    assertEquals(0.5f + 0.5f * 80 / 81, audio[0], 1e-6, "ramped from the last sample");
    assertEquals(0.5f, audio[80], "5 ms later, the window's own audio");
    assertEquals(1.0, second.seamError(), 1e-6, "a step of 0.5 over an RMS of 0.5");
  }

  @Test
  void aGapBetweenVideoChunksGetsItsOwnAudioChunk() {
    List<VideoChunk> chunks = List.of(chunk(0, 0, 2 * S, false), chunk(1, 5 * S, 3 * S, false));
    float[] wave = ramp(128_000);
    List<AudioChunk> out = new AudioChunker(SampleEncoding.PCM_F32LE, 0, 0, 512).cut(
        task(0, 0, 8 * S, chunks), wave, null, 16_000, PARAMS, Instant.EPOCH, null).chunks();
    assertEquals(3, out.size());
    long[] starts = {0, 2 * S, 5 * S};
    long[] durations = {2 * S, 3 * S, 3 * S};
    int at = 0;
    for (int i = 0; i < 3; i++) {
      assertEquals(starts[i], out.get(i).getPtsStartMicros(), "chunk " + i);
      assertEquals(durations[i], out.get(i).getDurationMicros(), "chunk " + i);
      assertEquals(3, out.get(i).getChunkCount());
      float[] samples = floats(out.get(i));
      assertEquals(wave[at], samples[0], "chunk " + i + " starts where the one before ended");
      at += samples.length;
    }
    assertEquals(wave.length, at);
  }

  @Test
  void sixteenBitChunksAfterTheFirstStartAtTheirOwnSamplesAndTheTailStaysFloat() {
    float[] wave = new float[128_000];
    for (int i = 0; i < wave.length; i++) {
      wave[i] = (i % 7 - 3) / 4f;
    }
    wave[64_000] = -2f;
    AudioChunker chunker = new AudioChunker(SampleEncoding.PCM_S16LE, 250_000, 0, 512);
    AudioChunker.Cut cut = chunker.cut(task(0, 0, 4 * S, twoSecondChunks(0, 8 * S, -1)), wave,
        null, 16_000, PARAMS, Instant.EPOCH, null);
    assertEquals(2, cut.chunks().size());
    int at = 0;
    for (AudioChunk a : cut.chunks()) {
      assertEquals(SampleEncoding.PCM_S16LE, a.getSampleEncoding());
      ByteBuffer b = a.getPayload().duplicate().order(ByteOrder.LITTLE_ENDIAN);
      int n = b.remaining() / 2;
      for (int i = 0; i < n; i++) {
        assertEquals((short) Math.round(wave[at + i] * 32767f), b.getShort(), "sample " + i);
      }
      at += n;
    }
    assertEquals(64_000, at);
    float[] tail = AudioChunker.floats(cut.stateUpdate().state().getTail());
    assertEquals(-2f, tail[0], "the tail keeps the engine's floats, unclipped");
    assertArrayEquals(java.util.Arrays.copyOfRange(wave, 64_000, 68_000), tail);
  }

  @Test
  void aNegativeCrossfadeOrDeclickIsRefused() {
    assertThrows(IllegalArgumentException.class,
        () -> new AudioChunker(SampleEncoding.PCM_F32LE, -1, 0, 512));
    assertThrows(IllegalArgumentException.class,
        () -> new AudioChunker(SampleEncoding.PCM_F32LE, 0, -1, 512));
  }

  @Test
  void aStepIntoSilenceHasAnInfiniteSeamErrorAndSilenceAfterSilenceNone() {
    AudioChunker chunker = new AudioChunker(SampleEncoding.PCM_F32LE, 250_000, 5_000, 512);
    GeneratorState loud = chunker.cut(task(0, 0, 8 * S, twoSecondChunks(0, 8 * S, -1)),
        constant(1f), null, 16_000, PARAMS, Instant.EPOCH, null).stateUpdate().state();
    assertEquals(Double.POSITIVE_INFINITY, chunker.cut(task(1, 8 * S, 8 * S,
        twoSecondChunks(8 * S, 16 * S, -1)), constant(0f), null, 16_000, PARAMS, Instant.EPOCH,
        loud).seamError());
    GeneratorState silent = chunker.cut(task(0, 0, 8 * S, twoSecondChunks(0, 8 * S, -1)),
        constant(0f), null, 16_000, PARAMS, Instant.EPOCH, null).stateUpdate().state();
    assertEquals(0.0, chunker.cut(task(1, 8 * S, 8 * S, twoSecondChunks(8 * S, 16 * S, -1)),
        constant(0f), null, 16_000, PARAMS, Instant.EPOCH, silent).seamError());
  }

  @Test
  void aStateWithoutALastSampleOrOnAnotherSampleRateIsNoJoin() {
    AudioChunker chunker = new AudioChunker(SampleEncoding.PCM_F32LE, 250_000, 5_000, 512);
    GeneratorState state = chunker.cut(task(0, 0, 8 * S, twoSecondChunks(0, 8 * S, -1)),
        constant(1f), null, 16_000, PARAMS, Instant.EPOCH, null).stateUpdate().state();
    WindowTask next = task(1, 8 * S, 8 * S, twoSecondChunks(8 * S, 16 * S, -1));
    GeneratorState noLast = GeneratorState.newBuilder(state).setLastSample(null).build();
    AudioChunker.Cut cut = chunker.cut(next, constant(0.5f), null, 16_000, PARAMS, Instant.EPOCH,
        noLast);
    assertTrue(Double.isNaN(cut.seamError()));
    assertEquals(0.5f, published(cut)[0], "nothing to ramp from");
    GeneratorState otherRate = GeneratorState.newBuilder(state).setSampleRate(44_100).build();
    AudioChunker.Cut unjoined = chunker.cut(next, constant(0.5f), null, 16_000, PARAMS,
        Instant.EPOCH, otherRate);
    assertTrue(Double.isNaN(unjoined.seamError()));
    assertEquals(0.5f, published(unjoined)[0]);
  }

  @Test
  void aWindowFollowsAStateWhosePublishedAudioEndsInsideItOnTheSameTimeline() {
    WindowTask task = liveTask(3, 3 * 32_256, 32_256, 6144, List.of());
    StreamTimeline timeline = AudioChunker.timeline(task, 128_000, 16_000, 512);
    long offset = 3 * 32_256;
    GeneratorState.Builder before = GeneratorState.newBuilder().setStreamId("s")
        .setWindowIndex(2).setMode(WindowMode.LIVE).setOriginMicros(0).setSampleRate(16_000)
        .setWindowOffsetSamples(offset - 32_256).setPublishedEndSamples(offset)
        .setTail(ByteBuffer.allocate(0)).setLatentFrames(0).setLatent(ByteBuffer.allocate(0));
    assertTrue(AudioChunker.follows(task, timeline, before.build()), "ends at the window start");
    assertFalse(AudioChunker.follows(task, timeline,
        before.setPublishedEndSamples(offset - 1).build()), "leaves a sample before it unpublished");
    assertTrue(AudioChunker.follows(task, timeline,
        before.setPublishedEndSamples(offset + 127_999).build()), "ends at its last sample");
    assertFalse(AudioChunker.follows(task, timeline,
        before.setPublishedEndSamples(offset + 128_000).build()), "ends past the window");
    before.setPublishedEndSamples(offset + 1000);
    assertTrue(AudioChunker.follows(task, timeline, before.setWindowOffsetSamples(offset)
        .build()), "two ramp-up windows both start at the origin");
    assertFalse(AudioChunker.follows(task, timeline, before.setWindowOffsetSamples(offset + 1)
        .build()), "a window starting after this one");
    before.setWindowOffsetSamples(offset - 32_256);
    assertFalse(AudioChunker.follows(task, timeline, before.setWindowIndex(1).build()));
    assertFalse(AudioChunker.follows(task, timeline, before.setWindowIndex(2).setOriginMicros(1)
        .build()), "another origin");
    assertFalse(AudioChunker.follows(task, timeline, null));
  }

  @Test
  void theTasksGridNotItsMicrosecondsPlacesTheWindowsSamples() {
    // Start and hop in microseconds that round to other samples than the grid's.
    WindowTask task = task(2, 4 * S + 31, 2 * S + 40, twoSecondChunks(4 * S, 12 * S, -1));
    task.setGrid(new WindowGrid(WindowMode.TUMBLING, 0L, 64_000L, 32_000L, 16_000, 0L));
    AudioChunker chunker = new AudioChunker(SampleEncoding.PCM_F32LE, 0, 0, 512);
    float[] wave = ramp(128_000);
    AudioChunker.Cut cut = chunker.cut(task, wave, null, 16_000, PARAMS, Instant.EPOCH, null);
    assertEquals(64_000, cut.region().startSamples());
    assertEquals(96_000, cut.region().endSamples());
    assertEquals(List.of(4 * S), cut.chunks().stream().map(AudioChunk::getPtsStartMicros)
        .toList());
    assertEquals(0, chunker.publishedFrom(task, 128_000, 16_000, null));
    WindowTask noGrid = task(2, 4 * S, 2 * S, twoSecondChunks(4 * S, 12 * S, -1));
    assertEquals(0, AudioChunker.timeline(noGrid, 128_000, 16_000, 512).originMicros(),
        "a task without a grid: the origin its start, index and hop imply");
    assertEquals(64_000, AudioChunker.offsetSamples(noGrid,
        AudioChunker.timeline(noGrid, 128_000, 16_000, 512)));
  }

  @Test
  void aLiveWindowShorterThanItsGridsMarginStillPublishesItsLastLatentFrame() {
    WindowTask task = liveTask(0, 0, 1024, 6144, twoSecondChunks(0, 2 * S, -1));
    AudioChunker.Cut cut = new AudioChunker(SampleEncoding.PCM_F32LE, 0, 0, 512).cut(task,
        ramp(4096), null, 16_000, PARAMS, Instant.EPOCH, null);
    assertEquals(4096 - 512, cut.timeline().marginSamples(), "the margin leaves one frame");
    assertEquals(512, cut.region().length());
  }

  @Test
  void aWindowWhoseRegionIsEmptyPublishesNoChunkAndEndsTheStream() {
    AudioChunker chunker = new AudioChunker(SampleEncoding.PCM_F32LE, 0, 0, 512);
    AudioChunker.Cut cut = chunker.cut(task(1, 8 * S, 8 * S, List.of(chunk(3, 6 * S, 2 * S,
        true))), ramp(128_000), null, 16_000, PARAMS, Instant.EPOCH, null);
    assertEquals(0, cut.region().length());
    assertTrue(cut.region().lastOfStream());
    assertTrue(cut.chunks().isEmpty());
    assertEquals(null, cut.stateUpdate().state(), "the stream's state is deleted");
  }

  @Test
  void aDeclickLongerThanThePublishedPartRampsOverWhatThereIs() {
    AudioChunker chunker = new AudioChunker(SampleEncoding.PCM_F32LE, 250_000, 5_000, 512);
    GeneratorState state = chunker.cut(task(0, 0, 8 * S, twoSecondChunks(0, 8 * S, -1)),
        constant(1f), null, 16_000, PARAMS, Instant.EPOCH, null).stateUpdate().state();
    // The stream ends 40 samples (2.5 ms) into window 1: half the 80-sample de-click.
    float[] own = constant(0.5f);
    own[0] = 0.25f;
    AudioChunker.Cut last = chunker.cut(task(1, 8 * S, 8 * S, List.of(chunk(4, 8 * S, 2_500,
        true))), own.clone(), null, 16_000, PARAMS, Instant.EPOCH, state);
    float[] audio = published(last);
    assertEquals(40, audio.length);
    float step = 1f - 0.25f;
    for (int i = 0; i < 40; i++) {
      assertEquals(own[i] + step * (40 - i) / 41, audio[i], 1e-6, "sample " + i);
    }
    double signal = 0;
    for (int i = 0; i < 40; i++) {
      signal += own[i] * (double) own[i];
    }
    assertEquals(Math.sqrt(step * step * 40 / signal), last.seamError(), 1e-6,
        "the step over the RMS of the 40 samples there are");

    AudioChunker noFade = new AudioChunker(SampleEncoding.PCM_F32LE, 0, 5_000, 512);
    AudioChunker.Cut single = noFade.cut(task(1, 8 * S, 8 * S, twoSecondChunks(8 * S, 16 * S,
        -1)), own.clone(), null, 16_000, PARAMS, Instant.EPOCH, state);
    assertEquals(step / 0.25, single.seamError(), 1e-6,
        "without a crossfade length the step is measured against the first sample");

    AudioChunker.Cut full = chunker.cut(task(1, 8 * S, 8 * S, twoSecondChunks(8 * S, 16 * S,
        -1)), own.clone(), null, 16_000, PARAMS, Instant.EPOCH, state);
    assertEquals(Math.sqrt(step * step * 4000 / (0.25 * 0.25 + 3999 * 0.5 * 0.5)),
        full.seamError(), 1e-6, "the step over the RMS of the crossfade length, 250 ms");
  }

  @Test
  void aLiveWindowWhoseMarginGrewByMoreThanAHopPublishesNothingAndKeepsThePublishedEnd() {
    AudioChunker chunker = new AudioChunker(SampleEncoding.PCM_F32LE, 250_000, 5_000, 512);
    GeneratorState state = chunker.cut(liveTask(0, 0, 5120, 512, twoSecondChunks(0, 8 * S, -1)),
        signal(0), new float[1], 16_000, PARAMS, Instant.EPOCH, null).stateUpdate().state();
    assertEquals(128_000 - 512, state.getPublishedEndSamples());
    AudioChunker.Cut next = chunker.cut(liveTask(1, 5120, 5120, 12 * 512, twoSecondChunks(0,
        10 * S, -1)), signal(5120), new float[1], 16_000, PARAMS, Instant.EPOCH, state);
    assertEquals(0, next.region().length(), "its region would end at 126976, before 127488");
    assertTrue(next.chunks().isEmpty());
    assertTrue(Double.isNaN(next.seamError()), "no join without a sample");
    GeneratorState after = next.stateUpdate().state();
    assertEquals(128_000 - 512, after.getPublishedEndSamples(), "the next window starts there");
    assertEquals(null, after.getLastSample());
  }
}
