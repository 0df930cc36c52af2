package io.foleystream.topology.records;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes credentials from text bound for a message, a log line or a dead letter: the user
 * information of URLs ({@code scheme://user:password@host}), the values of JAAS options such as
 * {@code password="..."}, and the values of settings whose names say they hold a secret
 * ({@code basic.auth.user.info}, {@code sasl.jaas.config}, {@code ssl.key.password}, ...).
 */
public final class Redaction {

  /** What a removed secret is replaced with. */
  public static final String MASK = "[redacted]";

  private static final Pattern USER_INFO = Pattern.compile(
      "(?i)\\b([a-z][a-z0-9+._-]*://)[^/?#@\\s\"']*@");
  private static final Pattern JAAS_OPTION = Pattern.compile(
      "(?i)\\b(password|username|token|secret|credentials?|key)\\s*=\\s*(\"[^\"]*\"|'[^']*'|[^\\s;,\"']+)");
  private static final Pattern SECRET_SETTING = Pattern.compile(
      "(?i)\\b([a-z0-9_.-]*(?:password|secret|jaas\\.config|user\\.info|credentials?"
          // "token" but not "tokens": a count of text tokens is not a secret.
          + "|token(?![a-z])|api\\.?key)[a-z0-9_.-]*)(\\s*[=:]\\s*)([^\\r\\n]*?)(?=$|[\\r\\n,}]|\\s+[a-z0-9_.-]+\\s*[=:])");

  private Redaction() {}

  /**
   * The text with every credential it holds replaced by {@link #MASK}.
   *
   * @param text any text, or null
   * @return the text without credentials (null for null)
   */
  public static String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = USER_INFO.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1)
        + MASK + "@"));
    out = SECRET_SETTING.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1)
        + m.group(2) + MASK));
    return JAAS_OPTION.matcher(out).replaceAll(m -> Matcher.quoteReplacement(m.group(1) + "="
        + MASK));
  }

  /**
   * Whether a setting's name says that its value is a secret, so that its value must never be
   * shown.
   *
   * @param name a setting's name
   * @return true for passwords, JAAS configurations, basic-auth user information, tokens, keys
   */
  public static boolean isSecretSetting(String name) {
    String n = name.toLowerCase(java.util.Locale.ROOT);
    return n.contains("password") || n.contains("secret") || n.contains("jaas")
        || n.contains("user.info") || n.contains("credential") || n.contains("token")
        || n.endsWith(".key") || n.contains("apikey") || n.contains("api.key");
  }
}
