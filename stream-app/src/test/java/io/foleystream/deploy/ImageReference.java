package io.foleystream.deploy;

import java.util.regex.Pattern;

/**
 * An image reference as {@code FROM} and Compose's {@code image} write it:
 * {@code [registry/]repository[:tag][@digest]}.
 *
 * @param repository the repository, with its registry when given
 * @param tag the tag, or null when none is given
 * @param digest the digest, or null when none is given
 */
record ImageReference(String repository, String tag, String digest) {

  private static final Pattern VERSION = Pattern.compile("\\d+\\.\\d+");

  /**
   * Splits a reference.
   *
   * @param reference e.g. {@code nvidia/cuda:12.9.1-cudnn-runtime-ubuntu24.04}
   * @return its parts
   */
  static ImageReference parse(String reference) {
    String rest = reference;
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
    }
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      return new ImageReference(rest.substring(0, colon), rest.substring(colon + 1), digest);
    }
    return new ImageReference(rest, null, digest);
  }

  /**
   * Whether the reference names one release: a digest, or a tag other than {@code latest} that
   * holds a version with at least a minor number ({@code 4.3.1}, {@code 17.0.18_8-jre-noble}),
   * so that a rebuild next month gets the same software.
   *
   * @return true when pinned
   */
  boolean pinned() {
    if (digest != null) {
      return true;
    }
    return tag != null && !tag.equals("latest") && VERSION.matcher(tag).find();
  }
}
