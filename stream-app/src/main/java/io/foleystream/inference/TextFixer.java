package io.foleystream.inference;

import java.text.Normalizer;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.regex.Pattern;

/**
 * The part of ftfy's {@code fix_text} (ftfy 6.3, default configuration) that CLIP's text cleaning
 * depends on for well-formed Unicode input, written out because ftfy has no Java counterpart.
 *
 * <p>Applied in ftfy's order:
 *
 * <ol>
 *   <li>terminal escape sequences ({@code ESC [ digits/semicolons letter}) are removed;
 *   <li>mojibake is repaired: UTF-8 text decoded as Latin-1 or Windows-1252, once or more often
 *       ({@link MojibakeRepair}, the common cases of ftfy's {@code fix_encoding});
 *   <li>C1 control characters U+0080..U+009F become the Windows-1252 characters of the same byte
 *       (the five bytes Windows-1252 leaves undefined stay as they are);
 *   <li>Latin ligatures and legacy digraphs are spelled out (ﬁ to fi, Ĳ to IJ, Ǆ to DŽ, ...);
 *   <li>halfwidth and fullwidth forms U+FF01..U+FFEF become their NFKC equivalents and the
 *       ideographic space U+3000 becomes a space;
 *   <li>curly single quotes (U+02BC, U+2018..U+201B) become {@code '} and curly double quotes
 *       (U+201C..U+201F) become {@code "};
 *   <li>invisible control characters are removed (U+0000..U+0008, U+000B, U+000E..U+001F, U+007F,
 *       U+206A..U+206F, U+FEFF, U+FFF9..U+FFFC);
 *   <li>the text is put in Unicode normalization form C.
 * </ol>
 *
 * <p>Not covered: the rarer parts of {@code fix_encoding} that {@link MojibakeRepair} lists,
 * ftfy's own HTML unescaping (CLIP unescapes twice afterwards, so it
 * only matters for triply escaped entities), surrogate-pair repair and line-break normalisation
 * (every line break becomes one space in CLIP's whitespace cleaning anyway). Prompts that need
 * those parts tokenize as if ftfy had left them alone.
 */
final class TextFixer {

  private static final Pattern TERMINAL_ESCAPE = Pattern.compile("\u001b\\[[0-9;]*[a-zA-Z]");

  private static final Map<Integer, String> LIGATURES = Map.ofEntries(
      Map.entry(0x0132, "IJ"), Map.entry(0x0133, "ij"), Map.entry(0x0149, "\u02bcn"),
      Map.entry(0x01F1, "DZ"), Map.entry(0x01F2, "Dz"), Map.entry(0x01F3, "dz"),
      Map.entry(0x01C4, "D\u017d"), Map.entry(0x01C5, "D\u017e"), Map.entry(0x01C6, "d\u017e"),
      Map.entry(0x01C7, "LJ"), Map.entry(0x01C8, "Lj"), Map.entry(0x01C9, "lj"),
      Map.entry(0x01CA, "NJ"), Map.entry(0x01CB, "Nj"), Map.entry(0x01CC, "nj"),
      Map.entry(0xFB00, "ff"), Map.entry(0xFB01, "fi"), Map.entry(0xFB02, "fl"),
      Map.entry(0xFB03, "ffi"), Map.entry(0xFB04, "ffl"), Map.entry(0xFB05, "\u017ft"),
      Map.entry(0xFB06, "st"));

  /** Windows-1252 bytes 0x80..0x9F; zero where the code page leaves the byte undefined. */
  private static final char[] WINDOWS_1252_HIGH = {
    '\u20ac', 0, '\u201a', '\u0192', '\u201e', '\u2026', '\u2020', '\u2021',
    '\u02c6', '\u2030', '\u0160', '\u2039', '\u0152', 0, '\u017d', 0,
    0, '\u2018', '\u2019', '\u201c', '\u201d', '\u2022', '\u2013', '\u2014',
    '\u02dc', '\u2122', '\u0161', '\u203a', '\u0153', 0, '\u017e', '\u0178'
  };

  private TextFixer() {}

  /**
   * Applies the covered ftfy fixes, one pass each, in ftfy's order.
   *
   * @param text any text
   * @return the fixed text
   */
  static String fix(String text) {
    String fixed = TERMINAL_ESCAPE.matcher(text).replaceAll("");
    fixed = MojibakeRepair.repair(fixed);
    fixed = mapCodePoints(fixed, TextFixer::decodeC1Control);
    fixed = mapCodePoints(fixed, TextFixer::spellOutLigature);
    fixed = mapCodePoints(fixed, TextFixer::foldWidth);
    fixed = mapCodePoints(fixed, TextFixer::uncurlQuote);
    fixed = mapCodePoints(fixed, cp -> isRemovedControl(cp) ? "" : null);
    return Normalizer.normalize(fixed, Normalizer.Form.NFC);
  }

  /** Replaces each code point for which {@code replacement} gives a string; keeps the rest. */
  private static String mapCodePoints(String text, IntFunction<String> replacement) {
    StringBuilder out = new StringBuilder(text.length());
    text.codePoints().forEach(cp -> {
      String replaced = replacement.apply(cp);
      if (replaced == null) {
        out.appendCodePoint(cp);
      } else {
        out.append(replaced);
      }
    });
    return out.toString();
  }

  private static String decodeC1Control(int cp) {
    if (cp >= 0x80 && cp <= 0x9F && WINDOWS_1252_HIGH[cp - 0x80] != 0) {
      return String.valueOf(WINDOWS_1252_HIGH[cp - 0x80]);
    }
    return null;
  }

  private static String spellOutLigature(int cp) {
    return LIGATURES.get(cp);
  }

  private static String foldWidth(int cp) {
    if (cp == 0x3000) {
      return " ";
    }
    if (cp >= 0xFF01 && cp <= 0xFFEF) {
      String folded = Normalizer.normalize(Character.toString(cp), Normalizer.Form.NFKC);
      return folded.equals(Character.toString(cp)) ? null : folded;
    }
    return null;
  }

  private static String uncurlQuote(int cp) {
    if (cp == 0x02BC || (cp >= 0x2018 && cp <= 0x201B)) {
      return "'";
    }
    if (cp >= 0x201C && cp <= 0x201F) {
      return "\"";
    }
    return null;
  }

  private static boolean isRemovedControl(int cp) {
    return cp <= 0x08 || cp == 0x0B || (cp >= 0x0E && cp <= 0x1F) || cp == 0x7F
        || (cp >= 0x206A && cp <= 0x206F) || cp == 0xFEFF || (cp >= 0xFFF9 && cp <= 0xFFFC);
  }
}
