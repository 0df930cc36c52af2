package io.foleystream.topology.assembler;

import io.foleystream.schemas.BufferedChunk;
import io.foleystream.schemas.StreamAssembly;
import io.foleystream.schemas.VideoChunk;
import io.foleystream.topology.records.ChunkRules;
import io.foleystream.topology.records.TimelineBounds;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The video decoder's validator: a chunk must follow {@link ChunkRules}, its own timestamps must
 * be within the {@link TimelineBounds}, it must not jump away from its stream's timeline, and a
 * chunk whose sequence number is buffered already must be the same chunk (a duplicate with other
 * content is a conflicting duplicate, not a retry). Reads the assembler's stores, never writes
 * them.
 */
final class VideoChunkGuard implements RecordDecoder.Validator<VideoChunk> {

  private final TimelineBounds bounds;
  private final AssemblerStores stores;
  private KeyValueStore<String, StreamAssembly> assemblies;
  private KeyValueStore<String, VideoChunk> chunks;

  VideoChunkGuard(TimelineBounds bounds, AssemblerStores stores) {
    this.bounds = bounds;
    this.stores = stores;
  }

  @Override
  public void init(ProcessorContext<?, ?> context) {
    assemblies = context.getStateStore(stores.assemblies());
    chunks = context.getStateStore(stores.chunks());
  }

  @Override
  public String problem(String key, VideoChunk chunk) {
    String problem = ChunkRules.videoChunkProblem(key, chunk);
    if (problem == null) {
      problem = bounds.chunkProblem(chunk);
    }
    if (problem != null) {
      return problem;
    }
    StreamAssembly state = assemblies.get(key);
    problem = bounds.jumpProblem(chunk, state);
    if (problem != null || state == null || state.getEnded()) {
      return problem;
    }
    for (BufferedChunk buffered : state.getChunks()) {
      if (buffered.getSequence() == chunk.getSequence()) {
        VideoChunk kept = chunks.get(AssemblerStores.chunkKey(key, chunk.getSequence()));
        return kept == null || kept.equals(chunk) ? null : "conflicting duplicate: chunk "
            + chunk.getSequence() + " is buffered already with other content";
      }
    }
    return null;
  }
}
