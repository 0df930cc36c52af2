package io.foleystream.topology.records;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests as the records carry them: 64 lowercase hexadecimal characters. */
public final class Sha256 {

  private Sha256() {}

  /**
   * The digest of some bytes.
   *
   * @param bytes the bytes
   * @return lowercase hex
   */
  public static String hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
