package io.foleystream.inference;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * open_clip's {@code SimpleTokenizer} as MMAudio uses it: 'lower' cleaning, pre-tokenization,
 * byte-level BPE, start and end tokens, truncation to the context (the last kept token becomes the
 * end token) and zero padding. Thread-safe.
 */
public final class ClipTokenizer {

  /** Special tokens, contractions, letter runs, single digits, runs of other symbols. */
  private static final Pattern PIECES = Pattern.compile(
      "<start_of_text>|<end_of_text>|'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+",
      Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS);

  private final BpeVocabulary vocabulary;
  private final ClipTextCleaner cleaner;
  private final int contextLength;
  private final int startId;
  private final int endId;
  /** Word-level cache as in open_clip, bounded so that a stream of odd prompts cannot grow it. */
  private final LruCache<String, int[]> pieceCache = new LruCache<>(20_000);

  ClipTokenizer(BpeVocabulary vocabulary, ClipTextCleaner cleaner, int contextLength) {
    if (contextLength < 2) {
      throw new IllegalArgumentException("context length must be at least 2: " + contextLength);
    }
    this.vocabulary = vocabulary;
    this.cleaner = cleaner;
    this.contextLength = contextLength;
    this.startId = vocabulary.id(BpeVocabulary.START);
    this.endId = vocabulary.id(BpeVocabulary.END);
  }

  /**
   * Reads a merges file and builds the tokenizer.
   *
   * @param mergesFile gzip-compressed merges file
   * @param mergeCount how many merges of the file to use
   * @param contextLength tokens per prompt (77 for CLIP)
   * @return the tokenizer
   * @throws IOException if the merges file cannot be read
   */
  public static ClipTokenizer read(Path mergesFile, int mergeCount, int contextLength)
      throws IOException {
    return new ClipTokenizer(BpeVocabulary.read(mergesFile, mergeCount),
        new ClipTextCleaner(true), contextLength);
  }

  /**
   * Tokenizes one prompt.
   *
   * @param prompt any text, possibly empty
   * @return {@code contextLength} token ids: start token, the text's tokens, end token, zeros
   */
  public long[] tokenize(String prompt) {
    long[] out = new long[contextLength];
    out[0] = startId;
    int n = 1;
    Matcher pieces = PIECES.matcher(cleaner.clean(prompt));
    while (pieces.find() && n < contextLength) {
      for (int id : encodePiece(pieces.group())) {
        if (n == contextLength) {
          break;
        }
        out[n++] = id;
      }
    }
    if (n < contextLength) {
      out[n] = endId;
    } else {
      out[contextLength - 1] = endId;
    }
    return out;
  }

  /**
   * The vocabulary size (byte symbols, merges, special tokens).
   *
   * @return number of token ids
   */
  public int vocabularySize() {
    return vocabulary.size();
  }

  /**
   * The id of the start-of-text token.
   *
   * @return the id
   */
  public int startId() {
    return startId;
  }

  /**
   * The id of the end-of-text token.
   *
   * @return the id
   */
  public int endId() {
    return endId;
  }

  private int[] encodePiece(String piece) {
    return pieceCache.get(piece, this::encodeUncached);
  }

  private int[] encodeUncached(String piece) {
    if (piece.equals(BpeVocabulary.START) || piece.equals(BpeVocabulary.END)) {
      return new int[] {vocabulary.id(piece)};
    }
    byte[] utf8 = piece.getBytes(StandardCharsets.UTF_8);
    List<String> word = new ArrayList<>(utf8.length);
    for (byte b : utf8) {
      word.add(vocabulary.byteSymbol(b));
    }
    int last = word.size() - 1;
    word.set(last, word.get(last) + BpeVocabulary.END_OF_WORD);
    List<String> merged = mergeGreedily(word);
    return merged.stream().mapToInt(vocabulary::id).toArray();
  }

  /** Repeatedly merges every occurrence of the lowest-ranked adjacent pair, as CLIP's bpe(). */
  private List<String> mergeGreedily(List<String> word) {
    while (word.size() > 1) {
      int bestRank = Integer.MAX_VALUE;
      String first = null;
      String second = null;
      for (int i = 0; i + 1 < word.size(); i++) {
        int rank = vocabulary.mergeRank(word.get(i), word.get(i + 1));
        if (rank < bestRank) {
          bestRank = rank;
          first = word.get(i);
          second = word.get(i + 1);
        }
      }
      if (first == null) {
        break;
      }
      List<String> next = new ArrayList<>(word.size());
      for (int i = 0; i < word.size(); i++) {
        if (i + 1 < word.size() && word.get(i).equals(first) && word.get(i + 1).equals(second)) {
          next.add(first + second);
          i++;
        } else {
          next.add(word.get(i));
        }
      }
      word = next;
    }
    return word;
  }

  @Override
  public String toString() {
    return "ClipTokenizer[vocabulary " + vocabulary.size() + ", context " + contextLength
        + ", start " + startId + ", end " + endId + "]";
  }
}
