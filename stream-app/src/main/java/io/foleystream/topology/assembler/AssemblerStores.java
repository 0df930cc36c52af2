package io.foleystream.topology.assembler;

/**
 * The names of the assembler's state stores and the key layout of its chunk store.
 *
 * @param assemblies per-stream {@code StreamAssembly}, keyed by stream id
 * @param chunks buffered {@code VideoChunk}s, keyed by {@link #chunkKey}
 * @param controls latest {@code StreamControl} per stream id
 */
public record AssemblerStores(String assemblies, String chunks, String controls) {

  /** The stores of the application. */
  public static final AssemblerStores DEFAULT = new AssemblerStores("stream-assembly",
      "buffered-chunks", "stream-control");

  /**
   * The chunk store key: the stream id's length, the stream id and the sequence number, so that
   * no two streams' keys can collide whatever characters their ids hold.
   *
   * @param streamId the stream
   * @param sequence the chunk's sequence number
   * @return the key
   */
  public static String chunkKey(String streamId, long sequence) {
    return streamId.length() + ":" + streamId + ":" + sequence;
  }
}
