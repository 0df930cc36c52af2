package io.foleystream.media;

import java.nio.charset.StandardCharsets;

/**
 * The container formats a chunk may come in, with the caps GStreamer's demuxers take them by and
 * a cheap check that the bytes really are in that container (GStreamer given garbage under a
 * container's caps can wait for data forever instead of failing).
 */
public enum ContainerType {
  /** MPEG transport stream, 188-byte packets (H.264, H.265, ...). */
  MPEG_TS("video/mpegts,systemstream=(boolean)true,packetsize=(int)188", "video/mp2t"),
  /** ISO base media: MP4, fragmented MP4, CMAF (a chunk carries its own init segment). */
  MP4("video/quicktime", "video/mp4"),
  /** Matroska or WebM (VP8, VP9, AV1, H.264, ...). */
  MATROSKA("video/x-matroska", "video/x-matroska");

  private static final int TS_PACKET = 188;
  private static final int TS_SYNC = 0x47;
  private static final int TS_PACKETS_CHECKED = 64;

  private final String caps;
  private final String mimeType;

  ContainerType(String caps, String mimeType) {
    this.caps = caps;
    this.mimeType = mimeType;
  }

  /**
   * The GStreamer caps that name this container to a demuxer.
   *
   * @return a caps string
   */
  public String caps() {
    return caps;
  }

  /**
   * The usual MIME type, for headers and records.
   *
   * @return e.g. {@code video/mp2t}
   */
  public String mimeType() {
    return mimeType;
  }

  /**
   * Recognises the container from the first bytes.
   *
   * @param bytes the start of a chunk or file (at least a few hundred bytes for MPEG-TS)
   * @return the container, or {@code null} when the bytes start no supported container
   */
  public static ContainerType detect(byte[] bytes) {
    if (looksLikeTransportStream(bytes)) {
      return MPEG_TS;
    }
    if (bytes.length >= 8) {
      String box = new String(bytes, 4, 4, StandardCharsets.ISO_8859_1);
      if (box.equals("ftyp") || box.equals("styp") || box.equals("moov")
          || box.equals("moof")) {
        return MP4;
      }
    }
    if (bytes.length >= 4 && (bytes[0] & 0xFF) == 0x1A && (bytes[1] & 0xFF) == 0x45
        && (bytes[2] & 0xFF) == 0xDF && (bytes[3] & 0xFF) == 0xA3) {
      return MATROSKA;
    }
    return null;
  }

  /** Sync bytes every 188 bytes over the first packets (a last partial packet is allowed). */
  private static boolean looksLikeTransportStream(byte[] bytes) {
    if (bytes.length < TS_PACKET || (bytes[0] & 0xFF) != TS_SYNC) {
      return false;
    }
    int packets = Math.min(bytes.length / TS_PACKET, TS_PACKETS_CHECKED);
    for (int p = 1; p < packets; p++) {
      if ((bytes[p * TS_PACKET] & 0xFF) != TS_SYNC) {
        return false;
      }
    }
    return true;
  }
}
