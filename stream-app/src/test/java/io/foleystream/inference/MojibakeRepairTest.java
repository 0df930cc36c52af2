package io.foleystream.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MojibakeRepairTest {

  private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

  /** What a program that reads UTF-8 bytes in another code page shows. */
  private static String misread(String text, Charset as) {
    return new String(text.getBytes(StandardCharsets.UTF_8), as);
  }

  @Test
  void utf8ReadAsWindows1252OnceOrTwiceIsRepaired() {
    // No right double quote or em dash: read twice, they hold byte 0x9D, which Java's
    // Windows-1252 decoder (unlike ftfy's sloppy one) turns into U+FFFD.
    String text = "doesn\u2019t caf\u00e9 cr\u00e8me \u201cquoted\u2019";
    String once = misread(text, WINDOWS_1252);
    assertEquals(text, MojibakeRepair.repair(once));
    assertEquals(text, MojibakeRepair.repair(misread(once, WINDOWS_1252)));
  }

  @Test
  void utf8ReadAsLatin1IsRepaired() {
    String text = "na\u00efve fa\u00e7ade \u00fcber";
    assertEquals(text, MojibakeRepair.repair(misread(text, StandardCharsets.ISO_8859_1)));
  }

  @Test
  void windows1252BytesThatTheCodePageLeavesUndefinedAreRepairedToo() {
    // U+00CD is UTF-8 C3 8D; 0x8D is undefined in Windows-1252, so it was read as U+008D.
    assertEquals("\u00cdndice", MojibakeRepair.repair("\u00c3\u008dndice"));
  }

  @Test
  void textThatIsNotMojibakeIsLeftAlone() {
    for (String text : new String[] {"plain ascii", "caf\u00e9 cr\u00e8me br\u00fbl\u00e9e",
        "\u00dcN\u00cfC\u00d6D\u00c9 \u00c0\u00c9\u00ce\u00d5\u00dc", "\u65e5\u672c\u8a9e",
        "\u041f\u0440\u0438\u0432\u0435\u0442", "\ud83d\udc36 barking", "",
        "\u00e2 alone"}) {
      assertSame(text, MojibakeRepair.repair(text), text);
    }
  }

  @Test
  void mojibakeNextToCharactersNoCodePageHoldsIsLeftAlone() {
    String text = misread("doesn\u2019t", WINDOWS_1252) + " \u65e5";
    assertSame(text, MojibakeRepair.repair(text));
  }
}
