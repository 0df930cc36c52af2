package io.foleystream.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WAV/FLAC writing and muxing, checked by reading the results back with GStreamer. */
class AudioOutputTest {

  private static final int RATE = 16_000;

  @TempDir static Path dir;
  private static Path video;
  private static List<MediaChunk> videoChunks;

  @BeforeAll
  static void makeVideo() throws Exception {
    video = NumberedVideo.encode(dir, "video", 160, 90, "25/1",
        NumberedVideo.constantRate(25, 1, 100), NumberedVideo.Encoding.h264Ts(25, 0));
    videoChunks = new ArrayList<>();
    new ChunkSegmenter(new SegmenterSettings(2_000_000, SegmenterSettings.Reencode.AUTO, 500))
        .run(new VideoSource.Uri(video.toUri().toString()), videoChunks::add);
  }

  private static AudioBlock tone(long ptsUs, double seconds, int channels) {
    int frames = (int) (seconds * RATE);
    float[] samples = new float[frames * channels];
    for (int i = 0; i < frames; i++) {
      for (int c = 0; c < channels; c++) {
        samples[i * channels + c] = (float) (0.5 * Math.sin(2 * Math.PI * (440 + 220 * c) * i
            / RATE));
      }
    }
    return new AudioBlock(ptsUs, RATE, channels, samples);
  }

  @Test
  void wavAndFlacRoundTripSampleExactWithGapsAsSilence() throws Exception {
    AudioBlock first = tone(1_000_000, 1.0, 2);
    AudioBlock second = tone(2_500_000, 0.5, 2);
    for (String name : new String[] {"out.wav", "out.flac"}) {
      Path file = dir.resolve(name);
      AudioFileWriter.write(file, List.of(first, second));
      MediaProbe.Content content = MediaProbe.read(file);
      assertEquals(RATE, content.sampleRate(), name);
      assertEquals(2, content.channels(), name);
      assertEquals(2 * RATE * 2, content.samples().length, name + ": 2 s including the gap");
      float[] s = content.samples();
      double worst = 0;
      for (int i = 0; i < first.samples().length; i++) {
        worst = Math.max(worst, Math.abs(s[i] - first.samples()[i]));
      }
      int gapStart = first.samples().length;
      int secondStart = 2 * (int) (1.5 * RATE);
      for (int i = gapStart; i < secondStart; i++) {
        assertEquals(0f, s[i], name + ": silence in the gap at " + i);
      }
      for (int i = 0; i < second.samples().length; i++) {
        worst = Math.max(worst, Math.abs(s[secondStart + i] - second.samples()[i]));
      }
      assertTrue(worst <= 1.0 / 32768 + 1e-6, name + ": 16-bit error " + worst);
    }
  }

  @Test
  void muxedAudioLandsAtItsStreamTimeBesideTheCopiedVideo() throws Exception {
    AudioBlock block = tone(500_000, 2.0, 1);
    for (AudioVideoMuxer.Container container : AudioVideoMuxer.Container.values()) {
      for (AudioVideoMuxer.AudioCodec codec : AudioVideoMuxer.AudioCodec.values()) {
        String what = container + "/" + codec;
        Path out = dir.resolve("muxed-" + container + "-" + codec);
        new AudioVideoMuxer(container, codec).mux(video, 0, List.of(block), out);
        MediaProbe.Content content = MediaProbe.read(out);
        assertEquals(AudioVideoMuxer.OUTPUT_RATE, content.sampleRate(), what);
        assertTrue(content.firstVideoNs() >= 0, what + ": has video");
        assertEquals(0.5, content.onsetAfterVideo(0.05f), 0.02, what + ": audio offset");
        assertEquals(2.5, content.durationSeconds(), 0.05, what + ": silence, then the tone");
      }
    }
  }

  @Test
  void perChunkMuxingKeepsTheChunkRangeAndOnlyItsAudio() throws Exception {
    MediaChunk chunk = videoChunks.get(1);
    assertEquals(2_000_000, chunk.startUs());
    AudioBlock block = new AudioBlock(0, RATE, 1, new float[0]);
    AudioBlock tone = tone(2_600_000, 1.0, 1);
    AudioBlock quiet = new AudioBlock(1_000_000, RATE, 1, new float[RATE]);
    MediaChunk out = new AudioVideoMuxer(AudioVideoMuxer.Container.MPEG_TS,
        AudioVideoMuxer.AudioCodec.AAC).muxChunk(chunk, List.of(block, quiet, tone));
    assertEquals(chunk.startUs(), out.startUs());
    assertEquals(chunk.durationUs(), out.durationUs());
    assertEquals(ContainerType.MPEG_TS, ContainerType.detect(out.bytes()));
    Path file = dir.resolve("chunk-out.ts");
    java.nio.file.Files.write(file, out.bytes());
    MediaProbe.Content content = MediaProbe.read(file);
    assertEquals(0.6, content.onsetAfterVideo(0.05f), 0.02, "tone at 2.6 s in a chunk from 2 s");
    assertEquals(1.6, content.durationSeconds(), 0.05, "silence from 2 s, the tone to 3.6 s");
    try (ChunkDecoder decoder = new ChunkDecoder(DecoderSettings.defaults())) {
      assertEquals(50, decoder.decode(out, new ChunkDecoderTest.Collector()).framesDecoded());
    }
    assertThrows(MediaException.class, () -> new AudioVideoMuxer(AudioVideoMuxer.Container.MP4,
        AudioVideoMuxer.AudioCodec.AAC).muxChunk(chunk, List.of(tone(9_000_000, 1.0, 1))));
  }
}
