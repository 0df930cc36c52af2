package io.foleystream.inference;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The common cases of ftfy's {@code fix_encoding}: UTF-8 text that was decoded as Latin-1 or
 * Windows-1252, once or several times ({@code doesnâ€™t}, {@code doesnÃ¢â‚¬â„¢t} to
 * {@code doesn’t}).
 *
 * <p>Like ftfy, each round takes the first of Latin-1 and ftfy's "sloppy" Windows-1252 (the five
 * bytes the code page leaves undefined decode to U+0081, U+008D, U+008F, U+0090 and U+009D) in
 * which every character of the text can be encoded, and decodes those bytes as UTF-8; rounds
 * repeat until nothing changes. Text is left alone as ftfy leaves it: ASCII text, text that some
 * character keeps out of both code pages (CJK, Cyrillic, emoji, most real Unicode) and text whose
 * bytes are not valid UTF-8, which is what genuine Latin-1 text almost always is, since an
 * accented letter would have to be followed by the right run of symbols from U+0080..U+00BF.
 *
 * <p>Not covered: ftfy's badness score for text that is valid either way, partly mojibake text
 * ({@code decode_inconsistent_utf8}), mojibake whose non-breaking spaces became spaces
 * ({@code restore_byte_a0}), the Java/CESU-8 "UTF-8 variants", and the other single-byte code
 * pages (Windows-1250/1251, MacRoman, cp437).
 */
final class MojibakeRepair {

  /** Windows-1252 bytes 0x80..0x9F; the five undefined bytes keep their C1 code point. */
  private static final char[] WINDOWS_1252_HIGH = {
    '\u20ac', '\u0081', '\u201a', '\u0192', '\u201e', '\u2026', '\u2020', '\u2021',
    '\u02c6', '\u2030', '\u0160', '\u2039', '\u0152', '\u008d', '\u017d', '\u008f',
    '\u0090', '\u2018', '\u2019', '\u201c', '\u201d', '\u2022', '\u2013', '\u2014',
    '\u02dc', '\u2122', '\u0161', '\u203a', '\u0153', '\u009d', '\u017e', '\u0178'
  };

  private MojibakeRepair() {}

  /**
   * Undoes UTF-8 read as Latin-1 or Windows-1252, as often as it was done.
   *
   * @param text any text
   * @return the repaired text, or {@code text} itself when it does not look like mojibake
   */
  static String repair(String text) {
    String current = text;
    for (String next = repairOnce(current); next != null; next = repairOnce(current)) {
      current = next;
    }
    return current;
  }

  private static String repairOnce(String text) {
    if (text.chars().allMatch(c -> c < 0x80)) {
      return null;
    }
    byte[] latin1 = encodeLatin1(text);
    String decoded = latin1 == null ? null : decodeUtf8(latin1);
    if (decoded == null) {
      byte[] windows1252 = encodeSloppyWindows1252(text);
      decoded = windows1252 == null ? null : decodeUtf8(windows1252);
    }
    return decoded;
  }

  private static byte[] encodeLatin1(String text) {
    byte[] bytes = new byte[text.length()];
    for (int i = 0; i < bytes.length; i++) {
      char c = text.charAt(i);
      if (c > 0xFF) {
        return null;
      }
      bytes[i] = (byte) c;
    }
    return bytes;
  }

  private static byte[] encodeSloppyWindows1252(String text) {
    byte[] bytes = new byte[text.length()];
    for (int i = 0; i < bytes.length; i++) {
      int b = windows1252Byte(text.charAt(i));
      if (b < 0) {
        return null;
      }
      bytes[i] = (byte) b;
    }
    return bytes;
  }

  private static int windows1252Byte(char c) {
    if (c < 0x80 || (c >= 0xA0 && c <= 0xFF)) {
      return c;
    }
    for (int i = 0; i < WINDOWS_1252_HIGH.length; i++) {
      if (WINDOWS_1252_HIGH[i] == c) {
        return 0x80 + i;
      }
    }
    return -1;
  }

  /** Strict UTF-8: null for malformed bytes instead of replacement characters. */
  private static String decodeUtf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }
}
