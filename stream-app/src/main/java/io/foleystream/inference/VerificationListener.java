package io.foleystream.inference;

/**
 * Told how the checksum verification of a model set progresses: hashing a real set reads
 * gigabytes, which takes seconds to minutes and would otherwise look like a hang. Calls come on
 * the opening thread, in order: for each file one call as it starts, calls every few megabytes,
 * and one as it ends; {@link Progress#bytesHashed()} never decreases and reaches {@link
 * Progress#totalBytes()} once every file is hashed.
 */
@FunctionalInterface
public interface VerificationListener {

  /** A listener that ignores everything. */
  VerificationListener NONE = progress -> { };

  /**
   * Verification went on.
   *
   * @param progress where it stands
   */
  void hashed(Progress progress);

  /**
   * Where the verification of a set stands.
   *
   * @param file the file being hashed, relative to the set
   * @param fileBytesHashed bytes of that file hashed so far
   * @param fileBytes that file's size
   * @param bytesHashed bytes of the whole set hashed so far
   * @param totalBytes the bytes of every listed file together
   */
  record Progress(String file, long fileBytesHashed, long fileBytes, long bytesHashed,
      long totalBytes) {}
}
