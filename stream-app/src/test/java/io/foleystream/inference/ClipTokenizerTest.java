package io.foleystream.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.foleystream.npy.NpyArray;
import io.foleystream.testdata.ParityData;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Token ids against open_clip v2.29.0's tokenizer with the real CLIP vocabulary and the real
 * ftfy 6.3.1: every row of the parity data's {@code tokenizer/tokens.json} (see
 * {@link ParityData}; the prompts, their number and the context length come from the data).
 */
class ClipTokenizerTest {

  /** The merge rules of CLIP's vocabulary file. */
  private static final int CLIP_MERGES = 48894;

  private record Row(String prompt, long[] ids, long[] idsWithoutFtfy) {}

  private static Path parity;
  private static List<Row> rows;
  private static int contextLength;
  private static BpeVocabulary vocabulary;

  @BeforeAll
  static void readParityData() throws IOException {
    parity = ParityData.require("tokenizer");
    JsonNode root = new ObjectMapper().readTree(parity.resolve("tokens.json").toFile());
    rows = new ArrayList<>();
    for (JsonNode row : root.get("rows")) {
      long[] ids = longs(row.get("ids"));
      JsonNode identity = row.get("ids_if_ftfy_fix_text_were_identity");
      rows.add(new Row(row.get("prompt").asText(), ids, identity == null ? ids : longs(identity)));
    }
    assertFalse(rows.isEmpty(), "tokens.json holds no rows");
    contextLength = rows.get(0).ids().length;
    vocabulary = BpeVocabulary.read(parity.resolve("bpe_simple_vocab_16e6.txt.gz"), CLIP_MERGES);
  }

  private static long[] longs(JsonNode array) {
    long[] out = new long[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asLong();
    }
    return out;
  }

  private static ClipTokenizer tokenizer(boolean fixText) {
    return new ClipTokenizer(vocabulary, new ClipTextCleaner(fixText), contextLength);
  }

  @Test
  void vocabularyHasClipsLayout() {
    assertEquals(49408, vocabulary.size());
    ClipTokenizer tokenizer = tokenizer(true);
    assertEquals(49406, tokenizer.startId());
    assertEquals(49407, tokenizer.endId());
  }

  @Test
  void everyPromptMatchesOpenClipWithFtfy() {
    ClipTokenizer tokenizer = tokenizer(true);
    for (Row row : rows) {
      assertArrayEquals(row.ids(), tokenizer.tokenize(row.prompt()), "prompt: " + row.prompt());
    }
  }

  @Test
  void withoutTextFixingEveryPromptMatchesOpenClipWithIdentityFtfy() {
    ClipTokenizer tokenizer = tokenizer(false);
    for (Row row : rows) {
      assertArrayEquals(row.idsWithoutFtfy(), tokenizer.tokenize(row.prompt()),
          "prompt: " + row.prompt());
    }
  }

  @Test
  void parityArrayMatchesTheJsonRows() throws IOException {
    NpyArray array = NpyArray.read(parity.resolve("ids.npy"));
    assertArrayEquals(new long[] {rows.size(), contextLength}, array.shape());
    long[] flat = array.toLongArray();
    for (int i = 0; i < rows.size(); i++) {
      assertArrayEquals(rows.get(i).ids(),
          Arrays.copyOfRange(flat, i * contextLength, (i + 1) * contextLength));
    }
  }

  @Test
  void modelFactsTestVectors() {
    ClipTokenizer tokenizer = tokenizer(true);
    assertArrayEquals(padded(49406, 49407), tokenizer.tokenize(""));
    assertArrayEquals(padded(49406, 320, 1929, 32676, 269, 49407),
        tokenizer.tokenize("A dog barking."));
    assertArrayEquals(padded(49406, 1629, 518, 5084, 748, 49407),
        tokenizer.tokenize("Playing the   GUITAR!!"));
    long[] long100 = tokenizer.tokenize("dog ".repeat(100));
    assertEquals(49406, long100[0]);
    assertEquals(1929, long100[75]);
    assertEquals(49407, long100[76]);
  }

  @Test
  void truncationKeepsTheEndToken() {
    long[] ids = tokenizer(true).tokenize("a ".repeat(200));
    assertEquals(77, ids.length);
    assertEquals(49407, ids[76]);
    assertTrue(Arrays.stream(ids, 1, 76).allMatch(id -> id == 320), Arrays.toString(ids));
  }

  private static long[] padded(long... ids) {
    return Arrays.copyOf(ids, 77);
  }

  @Test
  void theSmallestContextHoldsTheStartAndEndTokensAndAWordCutInsideKeepsTheEnd() {
    assertThrows(IllegalArgumentException.class,
        () -> new ClipTokenizer(vocabulary, new ClipTextCleaner(true), 1));
    ClipTokenizer two = new ClipTokenizer(vocabulary, new ClipTextCleaner(true), 2);
    assertArrayEquals(new long[] {49406, 49407}, two.tokenize("a dog"));

    String rare = "zqxjkvbwpf";
    long[] full = tokenizer(true).tokenize(rare);
    int tokens = 0;
    while (full[1 + tokens] != 49407) {
      tokens++;
    }
    assertTrue(tokens >= 3, "the word needs several tokens: " + Arrays.toString(full));
    ClipTokenizer three = new ClipTokenizer(vocabulary, new ClipTextCleaner(true), 3);
    assertArrayEquals(new long[] {49406, full[1], 49407}, three.tokenize(rare),
        "cut after the word's first token");
    assertEquals(vocabulary.size(), three.vocabularySize());
    assertEquals("ClipTokenizer[vocabulary 49408, context 3, start 49406, end 49407]",
        three.toString());
  }

  @Test
  void theSpecialTokensWrittenInAPromptAreTheirOwnIds() {
    ClipTokenizer tokenizer = tokenizer(true);
    assertArrayEquals(padded(49406, 49406, 1929, 49407, 49407),
        tokenizer.tokenize("<start_of_text> dog <end_of_text>"));
  }

  @Test
  void theTokenizerReadFromTheMergesFileIsClips() throws IOException {
    ClipTokenizer read = ClipTokenizer.read(parity.resolve("bpe_simple_vocab_16e6.txt.gz"),
        CLIP_MERGES, contextLength);
    for (Row row : rows) {
      assertArrayEquals(row.ids(), read.tokenize(row.prompt()), "prompt: " + row.prompt());
    }
  }

  @Test
  void theCleanerCollapsesPythonsWhitespaceAndTrimsIt() {
    ClipTextCleaner cleaner = new ClipTextCleaner(false);
    assertEquals("playing the guitar", cleaner.clean(
        " \u00a0Playing\u2007the \t\u202f\u0085 GUITAR \n"));
    for (int cp : new int[] {' ', '\t', 0x00A0, 0x2007, 0x202F, 0x0085, 0x3000}) {
      assertTrue(ClipTextCleaner.isPythonSpace(cp), Integer.toHexString(cp));
    }
    assertFalse(ClipTextCleaner.isPythonSpace('a'));
    assertFalse(ClipTextCleaner.isPythonSpace(0x200B), "zero width space is no space");
  }
}
