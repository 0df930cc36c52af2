package io.foleystream.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.foleystream.npy.NpyArray;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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
        + "decoder=CPU}"), result.err());
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
  void anotherDurationThanTheSetsIsRefused() {
    Result result = run("--models", SET.toString(), "--duration", "5", "--out",
        temp.resolve("x.npy").toString());
    assertEquals(ExitCodes.USAGE, result.exitCode());
    assertTrue(result.err().contains("exported for 8.0 s windows"), result.err());
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
  void aVideoShorterThanTheWindowIsUsedWithAWarning() throws IOException, InterruptedException {
    Path video = testVideo("three-seconds.mp4", 75);
    Result result = run("--models", SET.toString(), "--video", video.toString(), "--steps", "1",
        "--out", temp.resolve("short.npy").toString());
    assertEquals(0, result.exitCode(), result.err());
    assertTrue(result.err().contains("is shorter than the 8.0 s window: 24 of 64 CLIP and 75 of "
        + "200 Synchformer frames come from the video"), result.err());
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
