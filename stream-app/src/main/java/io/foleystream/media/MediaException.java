package io.foleystream.media;

/**
 * A media operation failed because of its input or of the installed GStreamer; {@link #reason()}
 * says which, so callers can route the record (for example to a dead-letter topic) without
 * parsing messages. Whatever raised it stays usable for the next input.
 */
public class MediaException extends Exception {

  private static final long serialVersionUID = 1L;

  /** Why a media operation failed. */
  public enum Reason {
    /** The chunk or file holds no bytes. */
    EMPTY,
    /** The bytes are not in the declared container, or in no container GStreamer reads. */
    UNSUPPORTED_CONTAINER,
    /** No installed decoder, demuxer or encoder handles the stream. */
    UNSUPPORTED_CODEC,
    /** The stream has no video track. */
    NO_VIDEO,
    /** Demuxing or decoding failed on damaged data. */
    CORRUPT,
    /** The decoded frames cover clearly less than the declared duration. */
    TRUNCATED,
    /** Frame timestamps are missing or lie outside the declared time range. */
    BAD_TIMESTAMPS,
    /** The input exceeds a configured limit (bytes, frames). */
    TOO_LARGE,
    /** GStreamer made no progress within the configured time. */
    STALLED,
    /** GStreamer or one of its plugins is missing. */
    GSTREAMER_UNAVAILABLE,
    /** Reading or writing a file failed. */
    IO
  }

  private final Reason reason;

  /**
   * Creates the exception.
   *
   * @param reason the cause category
   * @param message what happened, naming the input
   */
  public MediaException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  /**
   * Creates the exception with an underlying cause.
   *
   * @param reason the cause category
   * @param message what happened, naming the input
   * @param cause the underlying exception
   */
  public MediaException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /**
   * Why the operation failed.
   *
   * @return the cause category
   */
  public Reason reason() {
    return reason;
  }
}
