package io.foleystream.inference;

/**
 * The Philox4x32-10 counter-based generator (Salmon, Moraes, Dror and Shaw, "Parallel random
 * numbers: as easy as 1, 2, 3", SC 2011; the Random123 reference): a keyed bijection of a 128-bit
 * counter to 128 random bits. Any block can be computed directly from its index, which makes noise
 * for element i independent of how many elements come before it or which thread draws it.
 *
 * <p>Written here rather than taken from a library because the exact bit stream is part of
 * foleystream's reproducibility contract (any reference run must be able to recompute it), so it
 * must not move with a library's seeding conventions.
 */
final class Philox4x32 {

  private static final int M0 = 0xD2511F53;
  private static final int M1 = 0xCD9E8D57;
  private static final int W0 = 0x9E3779B9;
  private static final int W1 = 0xBB67AE85;
  private static final int ROUNDS = 10;

  private Philox4x32() {}

  /**
   * Encrypts one counter block.
   *
   * @param counter four 32-bit counter words, word 0 first
   * @param key two 32-bit key words, word 0 first
   * @param out receives the four 32-bit output words
   */
  static void block(int[] counter, int[] key, int[] out) {
    int c0 = counter[0];
    int c1 = counter[1];
    int c2 = counter[2];
    int c3 = counter[3];
    int k0 = key[0];
    int k1 = key[1];
    for (int round = 0; round < ROUNDS; round++) {
      if (round > 0) {
        k0 += W0;
        k1 += W1;
      }
      long p0 = (M0 & 0xffffffffL) * (c0 & 0xffffffffL);
      long p1 = (M1 & 0xffffffffL) * (c2 & 0xffffffffL);
      int next0 = (int) (p1 >>> 32) ^ c1 ^ k0;
      int next1 = (int) p1;
      int next2 = (int) (p0 >>> 32) ^ c3 ^ k1;
      int next3 = (int) p0;
      c0 = next0;
      c1 = next1;
      c2 = next2;
      c3 = next3;
    }
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
  }
}
