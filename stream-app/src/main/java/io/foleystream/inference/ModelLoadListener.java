package io.foleystream.inference;

/**
 * Told how opening a model set progresses: hashing a real set reads gigabytes and creating its
 * sessions takes tens of seconds, which would otherwise look like a hang. Calls come on the
 * opening thread, in order.
 */
public interface ModelLoadListener {

  /** A listener that ignores everything. */
  ModelLoadListener NONE = new ModelLoadListener() { };

  /**
   * Checksum verification went on: for each file one call as it starts, calls every few
   * megabytes, and one as it ends; {@link Progress#bytesHashed()} never decreases and reaches
   * {@link Progress#totalBytes()} once every file is hashed.
   *
   * @param progress where it stands
   */
  default void hashed(Progress progress) {
  }

  /**
   * An ONNX Runtime session was created.
   *
   * @param graph its graph
   * @param created sessions created so far
   * @param total sessions to create
   */
  default void sessionCreated(ModelGraph graph, int created, int total) {
  }

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
