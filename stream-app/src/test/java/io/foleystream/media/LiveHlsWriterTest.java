package io.foleystream.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.freedesktop.gstreamer.Buffer;
import org.freedesktop.gstreamer.Gst;
import org.freedesktop.gstreamer.Pipeline;
import org.freedesktop.gstreamer.Sample;
import org.freedesktop.gstreamer.elements.AppSink;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live HLS output from segmenter chunks and generated audio, read back by parsing the playlist
 * and by playing it through GStreamer's HLS demuxer.
 */
class LiveHlsWriterTest {

  private static final int RATE = 16_000;
  private static final int FPS = 25;

  @TempDir static Path dir;
  private static List<MediaChunk> chunks;

  @BeforeAll
  static void makeChunks() throws Exception {
    Path video = NumberedVideo.encode(dir, "video", 160, 90, FPS + "/1",
        NumberedVideo.constantRate(FPS, 1, 10 * FPS), NumberedVideo.Encoding.h264Ts(FPS, 0));
    chunks = new ArrayList<>();
    new ChunkSegmenter(new SegmenterSettings(2_000_000, SegmenterSettings.Reencode.AUTO, 500))
        .run(new VideoSource.Uri(video.toUri().toString()), chunks::add);
  }

  private static AudioBlock tone(long ptsUs, long durationUs) {
    int frames = (int) (durationUs * RATE / 1_000_000);
    float[] samples = new float[frames];
    for (int i = 0; i < frames; i++) {
      samples[i] = (float) (0.5 * Math.sin(2 * Math.PI * 440 * i / RATE));
    }
    return new AudioBlock(ptsUs, RATE, 1, samples);
  }

  @Test
  void segmentsListedContinuousWithVideoAndAudioStartingTogether() throws Exception {
    Path out = dir.resolve("hls");
    AudioTimeline timeline = new AudioTimeline();
    long start = chunks.get(0).startUs();
    long end = chunks.get(chunks.size() - 1).endUs();
    long silentFrom = chunks.get(2).startUs();
    long silentTo = chunks.get(2).endUs();
    // Audio for every chunk but the third, which goes out with silence.
    timeline.add(tone(start, silentFrom - start));
    timeline.add(tone(silentTo, end - silentTo));
    long missing = 0;
    try (LiveHlsWriter writer = new LiveHlsWriter(new HlsSettings(out, 2, 3, 4, null))) {
      for (MediaChunk chunk : chunks) {
        AudioTimeline.Span span = timeline.take(chunk.startUs(), chunk.endUs());
        missing += span.missingFrames();
        writer.write(chunk, span);
      }
    }
    assertEquals((silentTo - silentFrom) * RATE / 1_000_000, missing, 1.0);

    HlsPlaylist playlist = HlsPlaylist.read(out.resolve(HlsSettings.PLAYLIST));
    assertTrue(playlist.ended(), "the playlist ends once the output is closed");
    assertEquals(3, playlist.segments().size(), "a rolling playlist lists its last 3 segments");
    try (var files = Files.list(out)) {
      assertEquals(4, files.filter(p -> p.toString().endsWith(".ts")).count(),
          "segments beyond the kept four are deleted");
    }
    for (HlsPlaylist.Segment segment : playlist.segments()) {
      assertTrue(segment.durationSeconds() <= playlist.targetDuration() + 0.5,
          segment + " within the target duration " + playlist.targetDuration());
      assertTrue(Files.size(out.resolve(segment.uri())) > 0, segment.uri());
      SegmentStart first = SegmentStart.of(out.resolve(segment.uri()));
      assertTrue(first.videoKeyframe(), segment.uri() + " starts on a keyframe");
      assertTrue(first.hasAudio(), segment.uri() + " carries audio");
    }
    long sequence = playlist.mediaSequence();
    double expectedTail = (end - start) / 1e6 - sequence * 2.0;
    assertEquals(expectedTail, playlist.totalSeconds(), 0.05,
        "the listed segments cover the stream's end without gaps");
  }

  @Test
  void thePlaylistPlaysThroughHlsDemuxWithAudioBesideTheVideo() throws Exception {
    Path out = dir.resolve("hls-all");
    AudioTimeline timeline = new AudioTimeline();
    long start = chunks.get(0).startUs();
    long end = chunks.get(chunks.size() - 1).endUs();
    long toneStart = start + 500_000;
    timeline.add(tone(toneStart, end - toneStart));
    int count = chunks.size();
    try (LiveHlsWriter writer = new LiveHlsWriter(new HlsSettings(out, 2, count, count, null))) {
      for (MediaChunk chunk : chunks) {
        writer.write(chunk, timeline.take(chunk.startUs(), chunk.endUs()));
      }
    }
    HlsPlaylist playlist = HlsPlaylist.read(out.resolve(HlsSettings.PLAYLIST));
    assertEquals(0, playlist.mediaSequence());
    assertEquals((end - start) / 1e6, playlist.totalSeconds(), 0.05);
    MediaProbe.Content content = MediaProbe.read(out.resolve(HlsSettings.PLAYLIST));
    assertTrue(content.firstVideoNs() >= 0, "video present");
    assertEquals((end - start) / 1e6, content.durationSeconds(), 0.05,
        "audio through every segment, no gaps at the joins");
    double oneAacFrame = 1024.0 / AudioVideoMuxer.OUTPUT_RATE;
    assertEquals(0, (content.firstAudioNs() - content.firstVideoNs()) / 1e9, oneAacFrame,
        "audio and video start within one AAC frame");
    double onset = content.onsetAfterVideo(0.05f);
    assertTrue(onset >= 0.5 && onset <= 0.5 + oneAacFrame + 0.002,
        "the tone plays at its stream time, at most the encoder's priming late: " + onset);
  }

  @Test
  void theVideosOwnAudioIsMixedUnderAtTheGainOrDropped() throws Exception {
    Path withAudio = dir.resolve("with-audio.ts");
    Pipeline encode = (Pipeline) Gst.parseLaunch("videotestsrc num-buffers=" + 4 * FPS
        + " ! video/x-raw,width=160,height=90,framerate=" + FPS + "/1 ! x264enc key-int-max="
        + FPS + " speed-preset=ultrafast ! h264parse ! queue ! mpegtsmux name=m ! filesink"
        + " location=\"" + withAudio + "\" audiotestsrc wave=sine freq=440 volume=0.4"
        + " num-buffers=188 samplesperbuffer=1024 ! audio/x-raw,rate=48000,channels=1"
        + " ! audioconvert ! avenc_aac ! aacparse ! queue ! m.");
    PipelineRun run = new PipelineRun(encode, "encoding a clip with audio");
    encode.play();
    run.awaitEnd(60_000);
    encode.dispose();
    MediaChunk chunk = new MediaChunk(Files.readAllBytes(withAudio), ContainerType.MPEG_TS, 0,
        4_000_000);
    double original = middlePeak(MediaProbe.read(withAudio));
    double mixed = middlePeak(writeOne(chunk, dir.resolve("mixed"), 0.5));
    double replaced = middlePeak(writeOne(chunk, dir.resolve("replaced"), null));
    assertTrue(original > 0.1, "the clip's own audio is a loud sine: " + original);
    assertEquals(0.5 * original, mixed, 0.05 * original,
        "the original audio at gain 0.5 under silent Foley");
    assertTrue(replaced < 0.01, "without a gain the original audio is dropped: " + replaced);
  }

  private static MediaProbe.Content writeOne(MediaChunk chunk, Path out, Double gain)
      throws Exception {
    try (LiveHlsWriter writer = new LiveHlsWriter(new HlsSettings(out, 2, 4, 4, gain))) {
      writer.write(chunk, new AudioTimeline().take(chunk.startUs(), chunk.endUs()));
    }
    return MediaProbe.read(out.resolve(HlsSettings.PLAYLIST));
  }

  /** The loudest sample of the middle half, away from the encoders' edges. */
  private static double middlePeak(MediaProbe.Content content) {
    float[] s = content.samples();
    double peak = 0;
    for (int i = s.length / 4; i < 3 * s.length / 4; i++) {
      peak = Math.max(peak, Math.abs(s[i]));
    }
    return peak;
  }

  @Test
  void nonTransportStreamChunksAreRefused() throws Exception {
    MediaChunk mp4 = new MediaChunk(new byte[] {0, 0, 0, 8, 'f', 't', 'y', 'p'},
        ContainerType.MP4, 0, 2_000_000);
    try (LiveHlsWriter writer = new LiveHlsWriter(
        new HlsSettings(dir.resolve("refused"), 2, 3, 3, null))) {
      MediaException e = assertThrows(MediaException.class,
          () -> writer.write(mp4, new AudioTimeline().take(0, 2_000_000)));
      assertEquals(MediaException.Reason.UNSUPPORTED_CONTAINER, e.reason());
    }
  }

  /** What a segment starts with: whether its first video buffer is a keyframe, whether it has audio. */
  record SegmentStart(boolean videoKeyframe, boolean hasAudio) {
    static SegmentStart of(Path segment) throws Exception {
      Pipeline pipeline = (Pipeline) Gst.parseLaunch("filesrc location=\"" + segment
          + "\" ! tsdemux name=d d. ! queue ! h264parse"
          + " ! video/x-h264,stream-format=byte-stream,alignment=au ! appsink name=v sync=false"
          + " d. ! queue ! aacparse ! appsink name=a sync=false");
      AppSink video = (AppSink) pipeline.getElementByName("v");
      AppSink audio = (AppSink) pipeline.getElementByName("a");
      pipeline.play();
      try {
        Sample first = video.emit(Sample.class, "try-pull-sample", 10_000_000_000L);
        Sample sound = audio.emit(Sample.class, "try-pull-sample", 10_000_000_000L);
        boolean keyframe = first != null && hasIdrSlice(first.getBuffer());
        boolean hasAudio = sound != null;
        if (first != null) {
          first.dispose();
        }
        if (sound != null) {
          sound.dispose();
        }
        return new SegmentStart(keyframe, hasAudio);
      } finally {
        pipeline.stop();
        pipeline.dispose();
      }
    }

    /** Whether an H.264 access unit (Annex B) holds an IDR slice (NAL unit type 5). */
    private static boolean hasIdrSlice(Buffer buffer) {
      java.nio.ByteBuffer bytes = buffer.map(false);
      try {
        for (int i = 0; i + 3 < bytes.limit(); i++) {
          if (bytes.get(i) == 0 && bytes.get(i + 1) == 0 && bytes.get(i + 2) == 1
              && (bytes.get(i + 3) & 0x1f) == 5) {
            return true;
          }
        }
        return false;
      } finally {
        buffer.unmap();
      }
    }
  }
}
