package io.foleystream.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.foleystream.inference.FoleyEngine;
import io.foleystream.inference.RuntimeOptions;
import io.foleystream.media.FramePreprocessor;
import io.foleystream.media.MediaException;
import io.foleystream.media.StillImage;
import io.foleystream.npy.NpyArray;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import javax.sound.sampled.UnsupportedAudioFileException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GenerateCommandTest {

  private static final Path SET = Path.of("../onnx-models/fixtures/tiny/model-set");

  @TempDir
  static Path temp;
  private static Path clip;
  private static Path sync;
  private static JsonNode sequence;

  private record Result(int exitCode, String out, String err) {}

  @BeforeAll
  static void writeFeatures() throws IOException {
    JsonNode manifest = new ObjectMapper().readTree(SET.resolve("manifest.json").toFile());
    sequence = manifest.get("sequence");
    clip = temp.resolve("clip.npy");
    sync = temp.resolve("sync.npy");
    random(sequence.get("clip_len").asInt(), sequence.get("clip_dim").asInt(), 1).write(clip);
    random(sequence.get("sync_len").asInt(), sequence.get("sync_dim").asInt(), 2).write(sync);
  }

  private static NpyArray random(int rows, int width, long seed) {
    Random random = new Random(seed);
    float[] values = new float[rows * width];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) random.nextGaussian() * 0.1f;
    }
    return NpyArray.ofFloats(new long[] {rows, width}, values);
  }

  private static Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = FoleystreamCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    List<String> all = new ArrayList<>(List.of("generate", "--no-progress", "--threads", "2"));
    all.addAll(List.of(args));
    int code = cli.execute(all.toArray(String[]::new));
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void generatesFromFeatureFilesWithTimings() throws IOException {
    Path out = temp.resolve("audio.npy");
    Result result = run("--models", SET.toString(), "--clip-features", clip.toString(),
        "--sync-features", sync.toString(), "--prompt", "rain", "--steps", "5", "--seed", "3",
        "--out", out.toString());
    assertEquals(0, result.exitCode(), result.err());
    NpyArray audio = NpyArray.read(out);
    long samples = Math.round(8.0 * 16000);
    assertArrayEquals(new long[] {samples}, audio.shape());
    assertTrue(result.err().contains("sessions: {clip_text=CPU, conditions=CPU, velocity=CPU, "
        + "vae_decoder=CPU, vocoder=CPU}"), result.err());
    for (String stage : new String[] {"load models", "text features", "conditions", "sampling",
        "decoding", "write output", "x real time", "peak RSS"}) {
      assertTrue(result.err().contains(stage), stage + " missing from:\n" + result.err());
    }
    Path again = temp.resolve("again.npy");
    run("--models", SET.toString(), "--clip-features", clip.toString(), "--sync-features",
        sync.toString(), "--prompt", "rain", "--steps", "5", "--seed", "3", "--out",
        again.toString());
    assertEquals(audio, NpyArray.read(again), "same seed and inputs, same samples");
  }

  @Test
  void writesA16BitWaveFile() throws IOException, UnsupportedAudioFileException {
    Path out = temp.resolve("audio.wav");
    Result result = run("--models", SET.toString(), "--steps", "2", "--out", out.toString());
    assertEquals(0, result.exitCode(), result.err());
    try (AudioInputStream wav = AudioSystem.getAudioInputStream(out.toFile())) {
      assertEquals(16000f, wav.getFormat().getSampleRate());
      assertEquals(16, wav.getFormat().getSampleSizeInBits());
      assertEquals(1, wav.getFormat().getChannels());
      assertEquals(128000, wav.getFrameLength());
    }
  }

  @Test
  void explicitNoiseIsUsedInsteadOfTheSeed() throws IOException {
    int rows = sequence.get("latent_len").asInt();
    int width = sequence.get("latent_dim").asInt();
    Path noise = temp.resolve("noise.npy");
    random(rows, width, 9).write(noise);
    Path a = temp.resolve("noise-a.npy");
    Path b = temp.resolve("noise-b.npy");
    assertEquals(0, run("--models", SET.toString(), "--steps", "2", "--noise", noise.toString(),
        "--seed", "1", "--out", a.toString()).exitCode());
    assertEquals(0, run("--models", SET.toString(), "--steps", "2", "--noise", noise.toString(),
        "--seed", "2", "--out", b.toString()).exitCode());
    assertEquals(NpyArray.read(a), NpyArray.read(b));
  }

  @Test
  void featuresOfTheWrongShapeAreAClearError() throws IOException {
    Path bad = temp.resolve("bad-clip.npy");
    random(10, 3, 1).write(bad);
    Result result = run("--models", SET.toString(), "--clip-features", bad.toString(),
        "--sync-features", sync.toString(), "--out", temp.resolve("x.npy").toString());
    assertEquals(ExitCodes.USAGE, result.exitCode());
    assertTrue(result.err().contains("foleystream generate: --clip-features " + bad + ": NpyArray[FLOAT32 [10, "
        + "3]], expected float32 [" + sequence.get("clip_len") + ", "), result.err());
  }

  @Test
  void aMissingModelSetIsAClearError() {
    Result result = run("--models", temp.resolve("no-set").toString(), "--out",
        temp.resolve("x.npy").toString());
    assertEquals(ExitCodes.USAGE, result.exitCode());
    assertTrue(result.err().contains("--models " + temp.resolve("no-set") + ": no such folder"),
        result.err());
  }

  @Test
  void cudaOnThisBuildIsAClearError() {
    Result result = run("--models", SET.toString(), "--provider", "cuda", "--out",
        temp.resolve("x.npy").toString());
    assertEquals(GenerateCommand.FAILED, result.exitCode());
    assertTrue(result.err().contains("foleystream generate: execution provider cuda:0 is not available: this "
        + "ONNX Runtime build has no CUDA provider"), result.err());
  }

  @Test
  void autoFallsBackToCpu() {
    Result result = run("--models", SET.toString(), "--provider", "auto", "--steps", "1",
        "--out", temp.resolve("auto.npy").toString());
    assertEquals(0, result.exitCode(), result.err());
    assertTrue(result.err().contains("velocity=CPU"), result.err());
  }

  @Test
  void anUnknownProviderIsAUsageError() {
    Result result = run("--models", SET.toString(), "--provider", "tpu", "--out", "x.npy");
    assertEquals(2, result.exitCode());
    assertTrue(result.err().contains("unknown execution provider 'tpu'"), result.err());
  }

  @Test
  void anyDurationIsGeneratedAtItsOwnLengths() throws IOException {
    Path out = temp.resolve("five-and-a-half.npy");
    Result result = run("--models", SET.toString(), "--duration", "5.5", "--steps", "2",
        "--out", out.toString());
    assertEquals(0, result.exitCode(), result.err());
    int sampleRate = new ObjectMapper().readTree(SET.resolve("manifest.json").toFile())
        .get("sample_rate").asInt();
    assertArrayEquals(new long[] {Math.round(5.5 * sampleRate)}, NpyArray.read(out).shape());
    assertTrue(!result.err().contains("warning"), result.err());
  }

  @Test
  void longerThanTheTrainingLengthWorksWithAWarning() throws IOException {
    Path out = temp.resolve("ten.npy");
    Result result = run("--models", SET.toString(), "--duration", "10", "--steps", "1",
        "--out", out.toString());
    assertEquals(0, result.exitCode(), result.err());
    assertTrue(result.err().contains("warning: 10.0 s is longer than the 8.0 s MMAudio was "
        + "trained on"), result.err());
    assertEquals(1, NpyArray.read(out).shape().length);
  }

  @Test
  void aDurationShorterThanOneSyncSegmentIsRefused() {
    Result result = run("--models", SET.toString(), "--duration", "0.5", "--out",
        temp.resolve("x.npy").toString());
    assertEquals(GenerateCommand.FAILED, result.exitCode());
    assertTrue(result.err().contains("duration 0.5 s: a window must be at least 0.64 s long"),
        result.err());
  }

  @Test
  void anUnknownOutputFormatIsRefused() {
    Result result = run("--models", SET.toString(), "--steps", "1", "--out",
        temp.resolve("x.mp3").toString());
    assertEquals(ExitCodes.USAGE, result.exitCode());
    assertTrue(result.err().contains("expected a .wav, .flac or .npy file name"), result.err());
    assertTrue(!result.err().contains("sessions:"), "refused before loading: " + result.err());
    assertTrue(Files.notExists(temp.resolve("x.mp3")));
  }

  @Test
  void muxWritesTheVideoWithAnAacTrack() throws IOException, InterruptedException {
    Path video = testVideo("ten-seconds.mp4", 250);
    Path muxed = temp.resolve("with-audio.mp4");
    Result result = run("--models", SET.toString(), "--video", video.toString(), "--steps", "1",
        "--out", temp.resolve("muxed.flac").toString(), "--mux", muxed.toString());
    assertEquals(0, result.exitCode(), result.err());
    assertTrue(result.err().contains("mux video"), result.err());
    String boxes = new String(Files.readAllBytes(muxed), StandardCharsets.ISO_8859_1);
    String source = new String(Files.readAllBytes(video), StandardCharsets.ISO_8859_1);
    assertTrue(boxes.contains("soun") && boxes.contains("mp4a"), "no AAC track in " + muxed);
    assertTrue(!source.contains("mp4a"), "the source video has no audio of its own");
    assertTrue(Files.size(temp.resolve("muxed.flac")) > 0);
  }

  @Test
  void muxWithoutAVideoIsRefusedBeforeAnythingRuns() {
    Result result = run("--models", SET.toString(), "--mux", "out.mp4", "--out",
        temp.resolve("x.wav").toString());
    assertEquals(ExitCodes.USAGE, result.exitCode());
    assertTrue(result.err().contains("--mux needs --video"), result.err());
    assertTrue(!result.err().contains("sessions:"), "refused before loading: " + result.err());
  }

  @Test
  void generatesFromAVideosFirstWindow() throws IOException, InterruptedException {
    Path video = testVideo("ten-seconds.mp4", 250);
    Path out = temp.resolve("from-video.npy");
    Result result = run("--models", SET.toString(), "--video", video.toString(), "--steps", "2",
        "--out", out.toString());
    assertEquals(0, result.exitCode(), result.err());
    for (String stage : new String[] {"decode video", "clip features", "sync features"}) {
      assertTrue(result.err().contains(stage), stage + " missing from:\n" + result.err());
    }
    assertTrue(!result.err().contains("warning"), result.err());
    assertArrayEquals(new long[] {128000}, NpyArray.read(out).shape());
  }

  @Test
  void aVideoShorterThanTheWindowIsGeneratedAtTheDurationItCovers()
      throws IOException, InterruptedException {
    Path video = testVideo("three-seconds.mp4", 75);
    Path out = temp.resolve("short.npy");
    Result result = run("--models", SET.toString(), "--video", video.toString(), "--steps", "1",
        "--out", out.toString());
    assertEquals(0, result.exitCode(), result.err());
    assertTrue(result.err().contains("is shorter than the 8.0 s window: it covers 24 CLIP and 75 "
        + "Synchformer frames, so the audio is generated for 3.0 s"), result.err());
    assertArrayEquals(new long[] {3 * 16000}, NpyArray.read(out).shape());
  }

  @Test
  void aFileThatIsNoVideoIsAClearError() throws IOException {
    Path notVideo = temp.resolve("not-a-video.mp4");
    Files.writeString(notVideo, "plain text, not a video");
    Result result = run("--models", SET.toString(), "--video", notVideo.toString(), "--out",
        temp.resolve("x.npy").toString());
    assertEquals(GenerateCommand.FAILED, result.exitCode(), result.err());
    assertTrue(result.err().contains("foleystream generate: " + notVideo + ": "), result.err());
  }

  /** The set's learned empty feature row repeated over {@code rows} rows, as a .npy file. */
  private static Path emptyRows(String feature, int rows, String name) throws IOException {
    float[] row = NpyArray.read(SET.resolve(feature)).toFloatArray();
    float[] values = new float[rows * row.length];
    for (int r = 0; r < rows; r++) {
      System.arraycopy(row, 0, values, r * row.length, row.length);
    }
    Path file = temp.resolve(name);
    NpyArray.ofFloats(new long[] {rows, row.length}, values).write(file);
    return file;
  }

  private static NpyArray generated(String name, String... args) throws IOException {
    List<String> all = new ArrayList<>(List.of("--models", SET.toString(), "--prompt", "rain",
        "--steps", "2", "--seed", "5", "--out", temp.resolve(name).toString()));
    all.addAll(List.of(args));
    Result result = run(all.toArray(String[]::new));
    assertEquals(0, result.exitCode(), result.err());
    return NpyArray.read(temp.resolve(name));
  }

  @Test
  void textOnlyGenerationUsesTheLearnedEmptyFeaturesOnBothSequences() throws IOException {
    Path emptyClip = emptyRows("empty_clip.npy", sequence.get("clip_len").asInt(), "e-clip.npy");
    Path emptySync = emptyRows("empty_sync.npy", sequence.get("sync_len").asInt(), "e-sync.npy");
    NpyArray textOnly = generated("text-only.npy");
    assertEquals(generated("empty-files.npy", "--clip-features", emptyClip.toString(),
        "--sync-features", emptySync.toString()), textOnly);
    assertNotEquals(generated("with-video.npy", "--clip-features", clip.toString(),
        "--sync-features", sync.toString()), textOnly, "video features change the audio");
  }

  @Test
  void maskAwayClipKeepsTheSyncFeaturesAndEmptiesTheClipOnes() throws IOException {
    Path emptyClip = emptyRows("empty_clip.npy", sequence.get("clip_len").asInt(), "m-clip.npy");
    NpyArray masked = generated("masked.npy", "--clip-features", clip.toString(),
        "--sync-features", sync.toString(), "--mask-away-clip");
    assertEquals(generated("masked-by-hand.npy", "--clip-features", emptyClip.toString(),
        "--sync-features", sync.toString()), masked);
    assertNotEquals(generated("unmasked.npy", "--clip-features", clip.toString(),
        "--sync-features", sync.toString()), masked);
  }

  @Test
  void maskAwayClipWithoutVisualFeaturesIsRefused() {
    Result result = run("--models", SET.toString(), "--mask-away-clip", "--out",
        temp.resolve("x.npy").toString());
    assertEquals(ExitCodes.USAGE, result.exitCode());
    assertTrue(result.err().contains("--mask-away-clip needs --video or feature files"),
        result.err());
  }

  @Test
  void anImageGivesItsClipFeatureOnEveryClipRowAndEmptySyncFeatures() throws IOException {
    Path image = temp.resolve("still.png");
    BufferedImage pixels = new BufferedImage(60, 40, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 40; y++) {
      for (int x = 0; x < 60; x++) {
        pixels.setRGB(x, y, (x * 4) << 16 | (y * 6) << 8 | ((x + y) & 0xFF));
      }
    }
    ImageIO.write(pixels, "png", image.toFile());
    float[] feature;
    try (FoleyEngine engine = FoleyEngine.open(SET, RuntimeOptions.defaults())) {
      FramePreprocessor clipFrames = FramePreprocessor.clip();
      float[] frame = new float[clipFrames.floatsPerFrame()];
      clipFrames.preprocess(StillImage.read(image), frame, 0);
      feature = engine.clipImageEncoder().encode(FloatBuffer.wrap(frame), 1);
    } catch (MediaException e) {
      throw new AssertionError(e);
    }
    int clipLen = sequence.get("clip_len").asInt();
    float[] rows = new float[clipLen * feature.length];
    for (int r = 0; r < clipLen; r++) {
      System.arraycopy(feature, 0, rows, r * feature.length, feature.length);
    }
    Path imageClip = temp.resolve("image-clip.npy");
    NpyArray.ofFloats(new long[] {clipLen, feature.length}, rows).write(imageClip);
    Path emptySync = emptyRows("empty_sync.npy", sequence.get("sync_len").asInt(), "i-sync.npy");

    NpyArray fromImage = generated("from-image.npy", "--image", image.toString());
    assertEquals(generated("image-by-hand.npy", "--clip-features", imageClip.toString(),
        "--sync-features", emptySync.toString()), fromImage);
    assertNotEquals(generated("no-image.npy"), fromImage, "the image changes the audio");
  }

  @Test
  void aFileThatIsNoImageIsAClearError() throws IOException {
    Path notImage = temp.resolve("not-an-image.png");
    Files.writeString(notImage, "plain text, not an image");
    Result result = run("--models", SET.toString(), "--image", notImage.toString(), "--out",
        temp.resolve("x.npy").toString());
    assertEquals(GenerateCommand.FAILED, result.exitCode(), result.err());
    assertTrue(result.err().contains("not-an-image.png: not an image"), result.err());
  }

  /** An H.264 MP4 of a moving test pattern at 25 fps, made with GStreamer's command line. */
  private static Path testVideo(String name, int frames) throws IOException, InterruptedException {
    Path file = temp.resolve(name);
    if (Files.exists(file)) {
      return file;
    }
    Process gst = new ProcessBuilder("gst-launch-1.0", "-q", "videotestsrc", "num-buffers="
        + frames, "pattern=ball", "!", "video/x-raw,framerate=25/1,width=320,height=240", "!",
        "x264enc", "!", "mp4mux", "!", "filesink", "location=" + file).inheritIO().start();
    assertEquals(0, gst.waitFor(), "gst-launch-1.0 failed");
    return file;
  }
}
