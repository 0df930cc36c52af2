package io.foleystream.topology.generator;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The noise seed of one window: the first 8 bytes (big-endian) of SHA-256 over the stream seed
 * (8 bytes, big-endian), the stream id (UTF-8, preceded by its byte length as 4 bytes) and the
 * window index (8 bytes). The same stream, seed and window always get the same noise, so a
 * window generated again after a crash yields the same audio; different streams and windows get
 * unrelated noise.
 */
public final class WindowSeeds {

  private WindowSeeds() {}

  /**
   * Derives a window's seed.
   *
   * @param streamSeed the stream's seed (the global seed unless its control record sets one)
   * @param streamId the stream id
   * @param windowIndex the window index
   * @return the seed of the window's initial noise
   */
  public static long derive(long streamSeed, String streamId, long windowIndex) {
    byte[] id = streamId.getBytes(StandardCharsets.UTF_8);
    ByteBuffer input = ByteBuffer.allocate(8 + 4 + id.length + 8);
    input.putLong(streamSeed).putInt(id.length).put(id).putLong(windowIndex);
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(input.array());
      return ByteBuffer.wrap(digest, 0, 8).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
