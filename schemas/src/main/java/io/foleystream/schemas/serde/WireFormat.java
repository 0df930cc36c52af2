package io.foleystream.schemas.serde;

import java.nio.ByteBuffer;

/**
 * The Confluent wire format: byte 0 is the magic byte {@code 0}, bytes 1 to 4 the schema id as a
 * big-endian 32-bit integer, the rest the record in Avro's binary encoding.
 */
public final class WireFormat {

  /** The only magic byte the format defines. */
  public static final byte MAGIC_BYTE = 0;
  /** Length of magic byte plus schema id. */
  public static final int HEADER_LENGTH = 5;

  private WireFormat() {
  }

  /**
   * Writes the header of a payload.
   *
   * @param schemaId the writer schema's registry id
   * @return the five header bytes
   */
  public static byte[] header(int schemaId) {
    return ByteBuffer.allocate(HEADER_LENGTH).put(MAGIC_BYTE).putInt(schemaId).array();
  }

  /**
   * Reads the schema id from a payload's header.
   *
   * @param payload the whole payload
   * @param topic the topic it came from, for the error message
   * @return the writer schema's registry id
   * @throws TruncatedPayloadException when the payload is shorter than the header
   * @throws UnknownMagicByteException when byte 0 is not {@link #MAGIC_BYTE}
   */
  public static int schemaId(byte[] payload, String topic) {
    if (payload.length == 0 || payload[0] != MAGIC_BYTE) {
      if (payload.length == 0) {
        throw new TruncatedPayloadException("empty payload on topic '" + topic
            + "': the Confluent wire format needs at least " + HEADER_LENGTH + " bytes", null);
      }
      throw new UnknownMagicByteException(String.format(
          "unknown magic byte 0x%02x on topic '%s': expected 0x00, the Confluent wire format",
          payload[0] & 0xff, topic), null);
    }
    if (payload.length < HEADER_LENGTH) {
      throw new TruncatedPayloadException("payload of " + payload.length + " bytes on topic '"
          + topic + "' is shorter than the " + HEADER_LENGTH + "-byte wire-format header", null);
    }
    return ByteBuffer.wrap(payload, 1, 4).getInt();
  }
}
