package io.foleystream.inference;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OnnxTensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A thousand failed calls of each kind leave no native memory behind: the resident set size after
 * them is within a few megabytes of the size before. Measured after a warm-up thousand, with a GC
 * first so that dropped direct buffers are released, in a JVM whose heap is fixed and touched up
 * front and whose JIT stops at C1 (see the stream-app POM), so that neither heap growth nor
 * compiler memory can pass for a leak.
 */
class FailedCallsLeakTest {

  private static final int CALLS = 1000;
  private static final long ALLOWED_GROWTH_KB = 6 * 1024;
  private static final int ROUNDS = 3;
  private static final Path STATUS = Path.of("/proc/self/status");

  private static FoleyEngine engine;
  private static ModelSessions sessions;

  @TempDir
  static Path temp;

  @BeforeAll
  static void open() {
    engine = FoleyEngine.open(TinyModelSet.DIRECTORY, RuntimeOptions.defaults()
        .withThreads(1, 1));
    sessions = ModelSessions.open(ModelSet.open(TinyModelSet.DIRECTORY),
        RuntimeOptions.defaults().withThreads(1, 1), java.util.List.of(ModelGraph.VELOCITY, ModelGraph.CONDITIONS));
  }

  @AfterAll
  static void close() {
    engine.close();
    sessions.close();
  }

  @Test
  void nanFeatures() {
    VideoFeatures video = TinyModelSet.features(engine.modelSet().sequence(), 1);
    video.sync()[0] = Float.NaN;
    GenerationSettings settings = GenerationSettings.defaults(engine.modelSet());
    assertNoGrowth("NaN features", () -> assertThrows(InvalidInputException.class,
        () -> engine.generate(new WindowInput(video, "x", "", new InitialNoise.Seeded(1)),
            settings)));
  }

  @Test
  void onnxRuntimeRejectingAnInputShape() {
    OnnxModel velocity = sessions.model(ModelGraph.VELOCITY);
    SequenceConfig s = engine.modelSet().sequence();
    // The buffers are made once: each call creates and closes only the native tensors.
    java.nio.FloatBuffer x = Tensors.directFloats(2 * (s.latentLen() + 1) * s.latentDim());
    java.nio.FloatBuffer t = Tensors.directFloats(2);
    assertNoGrowth("wrong input shape inside ONNX Runtime", () -> {
      Map<String, OnnxTensor> inputs = new HashMap<>();
      try {
        inputs.put(ModelGraph.VELOCITY.inputName(0), Tensors.floats(sessions.environment(), x, 2, s.latentLen() + 1,
            s.latentDim()));
        inputs.put(ModelGraph.VELOCITY.inputName(1), Tensors.floats(sessions.environment(), t, 2));
        assertThrows(InferenceException.class, () -> velocity.run(inputs).close());
      } finally {
        inputs.values().forEach(OnnxTensor::close);
      }
    });
  }

  @Test
  void conditionsWithTooFewRowsFailBeforeRunning() {
    SequenceConfig s = engine.modelSet().sequence();
    ConditionEncoder encoder = new ConditionEncoder(sessions.model(ModelGraph.CONDITIONS),
        sessions.environment(), s);
    float[] clip = new float[s.clipLen() * s.clipDim()];
    float[] sync = new float[s.syncLen() * s.syncDim() * 2];
    float[] text = new float[s.textLen() * s.textDim() * 2];
    assertNoGrowth("tensor creation failing half-way", () -> assertThrows(
        InferenceException.class, () -> encoder.encode(clip, sync, text, 2).close()));
  }

  @Test
  void corruptedModelSet() throws IOException {
    Path set = TinyModelSet.copyTo(Files.createDirectory(temp.resolve("corrupted")));
    ModelSetTest.flipByte(set.resolve("empty_string.npy"), 200);
    assertNoGrowth("corrupted model set", () -> assertThrows(ModelSetException.class,
        () -> ModelSet.open(set)));
  }

  @Test
  void unloadableGraph() throws IOException {
    Path set = TinyModelSet.copyTo(Files.createDirectory(temp.resolve("unloadable")));
    Files.write(set.resolve("vocoder.onnx"), new byte[] {8, 7, 6, 5, 4, 3, 2, 1});
    ModelSetTest.rewriteChecksum(set, "vocoder.onnx");
    ModelSet opened = ModelSet.open(set);
    assertNoGrowth("graph ONNX Runtime cannot parse", () -> assertThrows(
        ModelSetException.class, () -> ModelSessions.open(opened, RuntimeOptions.defaults(),
            java.util.List.of(ModelGraph.VOCODER)).close()));
  }

  @Test
  void unavailableProvider() {
    ModelSet set = engine.modelSet();
    RuntimeOptions cuda = RuntimeOptions.defaults().withProvider(ProviderChoice.parse("cuda"));
    assertNoGrowth("cuda on a CPU build", () -> assertThrows(ProviderUnavailableException.class,
        () -> ModelSessions.open(set, cuda).close()));
  }

  private static void assertNoGrowth(String what, Runnable failingCall) {
    assumeTrue(Files.isReadable(STATUS), "needs Linux /proc to read the resident set size");
    // A first thousand fills the allocator's free lists and the JIT. A leak then grows the
    // resident set in every further thousand; one-off growth (a compilation, an arena) does not
    // repeat, so a round within the bound passes.
    for (int i = 0; i < CALLS; i++) {
      failingCall.run();
    }
    StringBuilder rounds = new StringBuilder();
    for (int round = 0; round < ROUNDS; round++) {
      long before = residentKb();
      for (int i = 0; i < CALLS; i++) {
        failingCall.run();
      }
      long growth = residentKb() - before;
      rounds.append(String.format(" %+d kB", growth));
      if (growth < ALLOWED_GROWTH_KB) {
        System.out.printf("%s: RSS %d kB before %d failed calls, growth per round:%s%n", what,
            before, CALLS, rounds);
        return;
      }
    }
    throw new AssertionError(what + ": RSS grew in each of " + ROUNDS + " rounds of " + CALLS
        + " failed calls:" + rounds);
  }

  private static long residentKb() {
    System.gc();
    try {
      Thread.sleep(50);
      for (String line : Files.readAllLines(STATUS)) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    throw new AssertionError("no VmRSS line in " + STATUS);
  }
}
