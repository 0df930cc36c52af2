package io.foleystream.inference;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * The CLIP byte-pair vocabulary built from a merges file ({@code bpe_simple_vocab_16e6.txt.gz}
 * or a truncated copy): the 256 byte symbols, the same with {@code </w>}, one entry per merge in
 * rank order, then the start and end tokens.
 */
final class BpeVocabulary {

  static final String START = "<start_of_text>";
  static final String END = "<end_of_text>";
  static final String END_OF_WORD = "</w>";

  private final String[] byteSymbols;
  private final Map<String, Integer> ids;
  private final Map<String, Integer> mergeRanks;

  private final int size;

  private BpeVocabulary(String[] byteSymbols, Map<String, Integer> ids,
      Map<String, Integer> mergeRanks, int size) {
    this.byteSymbols = byteSymbols;
    this.ids = ids;
    this.mergeRanks = mergeRanks;
    this.size = size;
  }

  /**
   * Reads the first {@code mergeCount} merges of a gzip-compressed merges file (line 0 is a
   * header, as in open_clip's file).
   *
   * @param file the {@code .txt.gz} file
   * @param mergeCount how many merges to use (48,894 for the real CLIP vocabulary)
   * @return the vocabulary
   * @throws IOException if the file cannot be read or has fewer merges than asked for
   */
  static BpeVocabulary read(Path file, int mergeCount) throws IOException {
    List<String[]> merges = new ArrayList<>(mergeCount);
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
      reader.readLine();
      String line;
      while (merges.size() < mergeCount && (line = reader.readLine()) != null) {
        String[] pair = line.strip().split("\\s+");
        if (pair.length != 2) {
          throw new IOException(file + ": merge line " + (merges.size() + 1)
              + " is not two symbols: '" + line + "'");
        }
        merges.add(pair);
      }
    }
    if (merges.size() < mergeCount) {
      throw new IOException(file + ": expected " + mergeCount + " merges, found "
          + merges.size());
    }
    return build(merges);
  }

  private static BpeVocabulary build(List<String[]> merges) {
    String[] byteSymbols = byteSymbols();
    List<String> vocabulary = new ArrayList<>(512 + merges.size() + 2);
    for (int b : printableFirstByteOrder()) {
      vocabulary.add(byteSymbols[b]);
    }
    for (int b : printableFirstByteOrder()) {
      vocabulary.add(byteSymbols[b] + END_OF_WORD);
    }
    Map<String, Integer> ranks = new HashMap<>(merges.size() * 2);
    // Later duplicates win, as in open_clip's dict(zip(...)) construction.
    for (int rank = 0; rank < merges.size(); rank++) {
      String[] merge = merges.get(rank);
      ranks.put(pairKey(merge[0], merge[1]), rank);
      vocabulary.add(merge[0] + merge[1]);
    }
    vocabulary.add(START);
    vocabulary.add(END);
    Map<String, Integer> ids = new HashMap<>(vocabulary.size() * 2);
    for (int i = 0; i < vocabulary.size(); i++) {
      ids.put(vocabulary.get(i), i);
    }
    return new BpeVocabulary(byteSymbols, ids, ranks, vocabulary.size());
  }

  /**
   * GPT-2's reversible byte-to-symbol map: printable Latin-1 bytes stand for themselves, the
   * others are shifted to U+0100 upwards in byte order.
   */
  private static String[] byteSymbols() {
    String[] symbols = new String[256];
    int shifted = 0;
    for (int b = 0; b < 256; b++) {
      symbols[b] = Character.toString(isPrintable(b) ? b : 256 + shifted++);
    }
    return symbols;
  }

  private static int[] printableFirstByteOrder() {
    int[] order = new int[256];
    int n = 0;
    for (int b = 0; b < 256; b++) {
      if (isPrintable(b)) {
        order[n++] = b;
      }
    }
    for (int b = 0; b < 256; b++) {
      if (!isPrintable(b)) {
        order[n++] = b;
      }
    }
    return order;
  }

  private static boolean isPrintable(int b) {
    return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
  }

  static String pairKey(String first, String second) {
    return first + ' ' + second;
  }

  /**
   * The symbol that stands for one UTF-8 byte.
   *
   * @param b the byte
   * @return its one-character symbol
   */
  String byteSymbol(byte b) {
    return byteSymbols[b & 0xff];
  }

  /**
   * The merge rank of a symbol pair.
   *
   * @param first left symbol
   * @param second right symbol
   * @return the rank (lower merges first), or {@link Integer#MAX_VALUE} if the pair never merges
   */
  int mergeRank(String first, String second) {
    return mergeRanks.getOrDefault(pairKey(first, second), Integer.MAX_VALUE);
  }

  /**
   * The id of a vocabulary entry.
   *
   * @param symbol a byte symbol, merged symbol or special token
   * @return its id
   * @throws IllegalStateException if the symbol is not in the vocabulary (a merges file whose
   *     merges produce symbols it does not contain)
   */
  int id(String symbol) {
    Integer id = ids.get(symbol);
    if (id == null) {
      throw new IllegalStateException("BPE symbol not in the vocabulary: '" + symbol + "'");
    }
    return id;
  }

  /**
   * The vocabulary size: 512 byte symbols, the merges, the two special tokens.
   *
   * @return the number of ids
   */
  int size() {
    return size;
  }
}
