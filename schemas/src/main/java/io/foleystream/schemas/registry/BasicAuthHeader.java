package io.foleystream.schemas.registry;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/** Builds the HTTP basic-auth header from the credential sources Confluent's client knows. */
final class BasicAuthHeader {

  private BasicAuthHeader() {
  }

  /**
   * Derives the {@code Authorization} header value.
   *
   * @param source {@code USER_INFO} or {@code URL} (case-insensitive)
   * @param userInfo the {@code basic.auth.user.info} setting, required for USER_INFO
   * @param url the first registry URL, whose user info the URL source reads
   * @return {@code Basic <base64(user:password)>}, or empty when the source has no credentials
   */
  static Optional<String> from(String source, Optional<String> userInfo, URI url) {
    switch (source.trim().toUpperCase(Locale.ROOT)) {
      case "USER_INFO":
        String info = userInfo.orElseThrow(() -> new IllegalArgumentException(
            "'" + RegistryClientConfig.BASIC_AUTH_CREDENTIALS_SOURCE + "' is USER_INFO but '"
                + RegistryClientConfig.BASIC_AUTH_USER_INFO + "' is not set (user:password)"));
        return Optional.of(encode(requireUserAndPassword(info,
            RegistryClientConfig.BASIC_AUTH_USER_INFO)));
      case "URL":
        String raw = url.getRawUserInfo();
        if (raw == null || raw.isEmpty()) {
          return Optional.empty();
        }
        return Optional.of(encode(requireUserAndPassword(
            URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8),
            "the user info of '" + RegistryClientConfig.URL + "'")));
      default:
        throw new IllegalArgumentException("unsupported '"
            + RegistryClientConfig.BASIC_AUTH_CREDENTIALS_SOURCE + "' value '" + source
            + "': use USER_INFO or URL");
    }
  }

  private static String requireUserAndPassword(String userInfo, String where) {
    if (userInfo.indexOf(':') <= 0) {
      throw new IllegalArgumentException(where + " must have the form user:password");
    }
    return userInfo;
  }

  private static String encode(String userInfo) {
    return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
  }
}
