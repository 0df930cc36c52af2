package io.foleystream.inference;

/**
 * The seeded standard-normal noise that starts the sampler, identical on every JVM and machine.
 *
 * <p>Algorithm (so that any other implementation can reproduce it): the 64-bit seed is the
 * Philox4x32-10 key (word 0 = low 32 bits, word 1 = high 32 bits). Block j (j = 0, 1, ...) encrypts
 * the counter (low 32 bits of j, high 32 bits of j, 0, 0) into words r0..r3. With
 * a = ((r0 &lt;&lt; 32) | r1) &gt;&gt;&gt; 11 and b = ((r2 &lt;&lt; 32) | r3) &gt;&gt;&gt; 11
 * (unsigned 64-bit), u1 = (a + 1) / 2^53 in (0, 1] and u2 = b / 2^53 in [0, 1); Box-Muller gives
 * element 2j = float32(sqrt(-2 ln u1) cos(2 pi u2)) and element 2j + 1 =
 * float32(sqrt(-2 ln u1) sin(2 pi u2)), evaluated in double precision with
 * {@link StrictMath} (fdlibm), so the result does not depend on the JVM's intrinsics. Elements are
 * the latent in C order, [L, latent_dim] per window.
 *
 * <p>This is not torch's generator: a reference run that must match foleystream bit for bit takes
 * the noise from a {@code .npy} file instead.
 */
public final class GaussianNoise {

  private static final double TWO_POW_MINUS_53 = 0x1p-53;

  private GaussianNoise() {}

  /**
   * Fills an array with the noise of a seed.
   *
   * @param seed the seed
   * @param out receives elements 0 .. out.length - 1
   */
  public static void fill(long seed, float[] out) {
    fill(seed, out, 0, out.length);
  }

  /**
   * Writes elements 0 .. length - 1 of a seed's noise into part of an array.
   *
   * @param seed the seed
   * @param out the destination
   * @param offset where element 0 goes
   * @param length how many elements
   */
  public static void fill(long seed, float[] out, int offset, int length) {
    int[] key = {(int) seed, (int) (seed >>> 32)};
    int[] counter = new int[4];
    int[] r = new int[4];
    for (int i = 0; i < length; i += 2) {
      long j = i / 2;
      counter[0] = (int) j;
      counter[1] = (int) (j >>> 32);
      Philox4x32.block(counter, key, r);
      long a = (((r[0] & 0xffffffffL) << 32) | (r[1] & 0xffffffffL)) >>> 11;
      long b = (((r[2] & 0xffffffffL) << 32) | (r[3] & 0xffffffffL)) >>> 11;
      double u1 = (a + 1) * TWO_POW_MINUS_53;
      double u2 = b * TWO_POW_MINUS_53;
      double radius = StrictMath.sqrt(-2.0 * StrictMath.log(u1));
      double angle = 2.0 * StrictMath.PI * u2;
      out[offset + i] = (float) (radius * StrictMath.cos(angle));
      if (i + 1 < length) {
        out[offset + i + 1] = (float) (radius * StrictMath.sin(angle));
      }
    }
  }
}
