package io.foleystream.topology.generator;

import io.foleystream.media.ChunkSegmenter;
import io.foleystream.media.MediaChunk;
import io.foleystream.media.MediaException;
import io.foleystream.media.SegmenterSettings;
import io.foleystream.media.VideoSource;
import io.foleystream.schemas.AudioChunk;
import io.foleystream.schemas.VideoChunk;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** A small generated video stream in 2 s chunks, and the samples of the audio published for it. */
final class TestPatternStream {

  private TestPatternStream() {}

  /**
   * A 160 x 120, 25 fps test pattern in MPEG-TS chunks of 2 s.
   *
   * @param stream the stream id
   * @param micros its length
   * @return the chunks, the last marked as the stream's end
   */
  static List<VideoChunk> chunks(String stream, long micros) throws MediaException {
    List<MediaChunk> clip = new ArrayList<>();
    new ChunkSegmenter(new SegmenterSettings(2_000_000L, SegmenterSettings.Reencode.AUTO, 300))
        .run(new VideoSource.TestPattern(160, 120, 25, micros, false), clip::add);
    List<VideoChunk> chunks = new ArrayList<>();
    for (int i = 0; i < clip.size(); i++) {
      MediaChunk c = clip.get(i);
      chunks.add(VideoChunk.newBuilder().setStreamId(stream).setSequence(i)
          .setPtsStartMicros(c.startUs()).setDurationMicros(c.durationUs())
          .setMediaType("video/mp2t").setPayload(ByteBuffer.wrap(c.bytes()))
          .setEndOfStream(i == clip.size() - 1).build());
    }
    return chunks;
  }

  /**
   * The samples of little-endian float audio chunks, one after the other.
   *
   * @param audio the chunks
   * @return their samples
   */
  static float[] samples(List<AudioChunk> audio) {
    List<float[]> parts = new ArrayList<>();
    int n = 0;
    for (AudioChunk c : audio) {
      float[] part = new float[c.getPayload().remaining() / 4];
      c.getPayload().duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(part);
      parts.add(part);
      n += part.length;
    }
    float[] all = new float[n];
    int at = 0;
    for (float[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    return all;
  }
}
