package io.foleystream.topology.assembler;

import io.foleystream.schemas.VideoChunk;
import java.util.Map;
import java.util.TreeMap;

/** The assembler's chunk store without Kafka: one stream's chunks by sequence number. */
final class InMemoryChunkStore implements StreamAssembler.ChunkStore {

  private final Map<Long, VideoChunk> chunks = new TreeMap<>();

  @Override
  public VideoChunk get(String streamId, long sequence) {
    return chunks.get(sequence);
  }

  @Override
  public void put(String streamId, long sequence, VideoChunk chunk) {
    chunks.put(sequence, chunk);
  }

  @Override
  public void delete(String streamId, long sequence) {
    chunks.remove(sequence);
  }

  /**
   * The chunks held now.
   *
   * @return sequence number to chunk, in order
   */
  Map<Long, VideoChunk> chunks() {
    return chunks;
  }
}
