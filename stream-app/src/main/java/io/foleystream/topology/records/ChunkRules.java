package io.foleystream.topology.records;

import io.foleystream.media.ContainerType;
import io.foleystream.schemas.PayloadReference;
import io.foleystream.schemas.StreamControl;
import io.foleystream.schemas.VideoChunk;
import java.nio.ByteBuffer;
import java.util.Locale;

/** What a well-formed record of the input topics looks like (anything else is dead-lettered). */
public final class ChunkRules {

  private ChunkRules() {}

  /**
   * The container a chunk's media type names.
   *
   * @param mediaType the chunk's MIME type
   * @return the container, or null when no decoder reads it
   */
  public static ContainerType container(String mediaType) {
    String type = mediaType == null ? "" : mediaType.toLowerCase(Locale.ROOT).split(";")[0].trim();
    switch (type) {
      case "video/mp2t":
      case "video/mpegts":
        return ContainerType.MPEG_TS;
      case "video/mp4":
      case "video/quicktime":
      case "video/iso.segment":
        return ContainerType.MP4;
      case "video/x-matroska":
      case "video/webm":
        return ContainerType.MATROSKA;
      default:
        return null;
    }
  }

  /**
   * What is wrong with a video chunk.
   *
   * @param key the record key
   * @param chunk the chunk
   * @return the problem, or null when the chunk is well-formed
   */
  public static String videoChunkProblem(String key, VideoChunk chunk) {
    if (!key.equals(chunk.getStreamId())) {
      return "streamId '" + chunk.getStreamId() + "' differs from the record key '" + key + "'";
    }
    if (chunk.getSequence() < 0) {
      return "negative sequence number " + chunk.getSequence();
    }
    if (chunk.getDurationMicros() <= 0) {
      return "chunk " + chunk.getSequence() + " has a duration of " + chunk.getDurationMicros()
          + " us";
    }
    if (container(chunk.getMediaType()) == null) {
      return "chunk " + chunk.getSequence() + ": media type '" + chunk.getMediaType()
          + "' is not a supported container (MPEG-TS, MP4, Matroska/WebM)";
    }
    Object payload = chunk.getPayload();
    if (payload instanceof ByteBuffer bytes && !bytes.hasRemaining()) {
      return "chunk " + chunk.getSequence() + " has an empty payload";
    }
    if (payload instanceof PayloadReference ref && ref.getSizeBytes() <= 0) {
      return "chunk " + chunk.getSequence() + " references an empty payload";
    }
    return null;
  }

  /**
   * What is wrong with a control record.
   *
   * @param key the record key
   * @param control the record
   * @return the problem, or null when it is well-formed
   */
  public static String controlProblem(String key, StreamControl control) {
    if (!key.equals(control.getStreamId())) {
      return "streamId '" + control.getStreamId() + "' differs from the record key '" + key + "'";
    }
    if (control.getSteps() != null && control.getSteps() < 1) {
      return "steps must be positive: " + control.getSteps();
    }
    return null;
  }
}
