package io.foleystream.inference;

import java.util.Locale;
import org.jsoup.parser.Parser;

/**
 * open_clip's 'lower' text cleaning, the step before CLIP's byte-pair encoding: ftfy's
 * {@code fix_text} (the part {@link TextFixer} covers), HTML unescaping twice, whitespace runs
 * collapsed to one space, outer whitespace stripped, lower case.
 *
 * <p>"Whitespace" is Python's {@code str.isspace}: Java's {@link Character#isWhitespace} plus the
 * no-break spaces U+00A0, U+2007, U+202F and NEL U+0085. HTML entities are decoded with jsoup,
 * which knows every HTML5 named entity; it differs from Python's {@code html.unescape} only for
 * legacy entity names glued to following letters without a semicolon ({@code &ampx}).
 */
final class ClipTextCleaner {

  private final boolean fixText;

  /**
   * @param fixText whether to apply {@link TextFixer}; false gives open_clip's behaviour where
   *     ftfy would change nothing
   */
  ClipTextCleaner(boolean fixText) {
    this.fixText = fixText;
  }

  /**
   * Cleans a prompt.
   *
   * @param text the raw prompt
   * @return the cleaned text, possibly empty
   */
  String clean(String text) {
    String fixed = fixText ? TextFixer.fix(text) : text;
    String unescaped = Parser.unescapeEntities(Parser.unescapeEntities(fixed, false), false);
    return collapseWhitespace(unescaped).toLowerCase(Locale.ROOT);
  }

  private static String collapseWhitespace(String text) {
    StringBuilder out = new StringBuilder(text.length());
    boolean pendingSpace = false;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      i += Character.charCount(cp);
      if (isPythonSpace(cp)) {
        pendingSpace = out.length() > 0;
        continue;
      }
      if (pendingSpace) {
        out.append(' ');
        pendingSpace = false;
      }
      out.appendCodePoint(cp);
    }
    return out.toString();
  }

  static boolean isPythonSpace(int cp) {
    return Character.isWhitespace(cp) || cp == 0x00A0 || cp == 0x2007 || cp == 0x202F
        || cp == 0x0085;
  }
}
