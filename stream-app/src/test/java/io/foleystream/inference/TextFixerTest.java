package io.foleystream.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Each step of {@link TextFixer}, with the code points on both sides of every range it uses. */
class TextFixerTest {

  @Test
  void terminalEscapesAreRemovedWithTheirParameters() {
    assertEquals("red rain", TextFixer.fix("\u001b[1;31mred\u001b[0m rain"));
  }

  @Test
  void utf8ReadAsWindows1252IsRepaired() {
    assertEquals("café", TextFixer.fix("cafÃ©"));
  }

  @Test
  void c1ControlsBecomeTheirWindows1252CharactersAndUndefinedBytesStay() {
    assertEquals("a\u20acb", TextFixer.fix("a\u0080b"));
    assertEquals("a\u2122b", TextFixer.fix("a\u0099b"));
    assertEquals("a\u0178b", TextFixer.fix("a\u009fb"));
    assertEquals("a\u0081b", TextFixer.fix("a\u0081b"));
    assertEquals("a\u00a0b", TextFixer.fix("a\u00a0b"));
  }

  @Test
  void ligaturesAndDigraphsAreSpelledOut() {
    assertEquals("fire", TextFixer.fix("\ufb01re"));
    assertEquals("IJssel", TextFixer.fix("\u0132ssel"));
    assertEquals("D\u017eungla", TextFixer.fix("\u01c5ungla"));
  }

  @Test
  void fullwidthFormsAndTheIdeographicSpaceFold() {
    assertEquals("!A \u00a2\u25cb", TextFixer.fix("\uff01\uff21\u3000\uffe0\uffee"));
    assertEquals("\uff00", TextFixer.fix("\uff00"));
    assertEquals("\uffef", TextFixer.fix("\uffef"));
  }

  @Test
  void curlyQuotesBecomeStraightOnesAndTheirNeighboursStay() {
    assertEquals("'a' 'b' \"c\" \"d\"",
        TextFixer.fix("\u02bca\u2018 \u2019b\u201b \u201cc\u201d \u201ed\u201f"));
    assertEquals("\u2017\u2020", TextFixer.fix("\u2017\u2020"));
  }

  @Test
  void invisibleControlsAreRemovedAndWhitespaceControlsKept() {
    assertEquals("ab", TextFixer.fix("\u0000a\u0008b\u000b"));
    assertEquals("a\tb\nc\fd\re", TextFixer.fix("a\tb\nc\fd\re"));
    assertEquals("ab", TextFixer.fix("a\u000e\u001fb\u007f"));
    assertEquals("~ a", TextFixer.fix("~ a"));
    assertEquals("ab", TextFixer.fix("\u206aa\u206fb\ufeff"));
    assertEquals("\u2069\u2070", TextFixer.fix("\u2069\u2070"));
    assertEquals("ab", TextFixer.fix("\ufff9a\ufffcb"));
    assertEquals("\ufff8\ufffd", TextFixer.fix("\ufff8\ufffd"));
  }

  @Test
  void theResultIsInNormalizationFormC() {
    assertEquals("\u00e9t\u00e9", TextFixer.fix("e\u0301te\u0301"));
  }

  @Test
  void plainTextIsLeftAlone() {
    assertEquals("footsteps on gravel, 2 dogs barking", TextFixer.fix(
        "footsteps on gravel, 2 dogs barking"));
  }
}
