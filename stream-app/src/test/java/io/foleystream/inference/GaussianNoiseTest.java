package io.foleystream.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class GaussianNoiseTest {

  @Test
  void philoxMatchesTheRandom123KnownAnswers() {
    int[] out = new int[4];
    Philox4x32.block(new int[4], new int[2], out);
    assertArrayEquals(new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}, out);
    Philox4x32.block(new int[] {-1, -1, -1, -1}, new int[] {-1, -1}, out);
    assertArrayEquals(new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}, out);
    Philox4x32.block(new int[] {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344},
        new int[] {0xa4093822, 0x299f31d0}, out);
    assertArrayEquals(new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}, out);
  }

  /** Float bits from an independent Python implementation of the documented algorithm. */
  @Test
  void matchesAnIndependentImplementationOfTheDocumentedAlgorithm() {
    assertBits(0L, 0xbdf8de6b, 0xbfaccddf, 0xbda7adaa, 0xbe640dd8, 0x3fe361df, 0x400b1af7,
        0xbf0c1ebf, 0xbed8563c);
    assertBits(42L, 0x3f62f180, 0x3ee0f347, 0xbe205e46, 0xbc60c44f, 0xbefcfabe, 0xbebe8ca8,
        0xbf2e0d61, 0xbed20636);
    assertBits(-1L, 0xbf699a0e, 0xbf613aa3, 0xbfce8b05, 0xbfb3b0d9, 0x3fd2f096, 0xbfb82e0f,
        0xbf158f00, 0x3f69281e);
    assertBits(14159265L, 0x3f9e5d3e, 0x3ff2b397, 0xbf25365c, 0x3d4629e9, 0x3fba1c96,
        0x3dcb7e76, 0xbec34c18, 0x3dcb61b6);
  }

  private static void assertBits(long seed, int... expected) {
    float[] noise = new float[expected.length];
    GaussianNoise.fill(seed, noise);
    int[] bits = new int[noise.length];
    for (int i = 0; i < noise.length; i++) {
      bits[i] = Float.floatToRawIntBits(noise[i]);
    }
    assertArrayEquals(expected, bits, "seed " + seed);
  }

  @Test
  void isStandardNormal() {
    float[] noise = new float[200_000];
    GaussianNoise.fill(42, noise);
    double mean = 0;
    double square = 0;
    for (float v : noise) {
      mean += v;
      square += (double) v * v;
    }
    mean /= noise.length;
    double variance = square / noise.length - mean * mean;
    assertEquals(0.0, mean, 0.01);
    assertEquals(1.0, variance, 0.01);
    long beyondThreeSigma = Arrays.stream(box(noise)).filter(v -> Math.abs(v) > 3).count();
    assertEquals(0.0027 * noise.length, beyondThreeSigma, 0.0006 * noise.length);
  }

  @Test
  void elementsDoNotDependOnHowManyAreDrawnOrWhere() {
    float[] odd = new float[7];
    GaussianNoise.fill(99, odd);
    float[] longer = new float[10];
    GaussianNoise.fill(99, longer, 2, 8);
    assertArrayEquals(odd, Arrays.copyOfRange(longer, 2, 9));
  }

  @Test
  void differentSeedsGiveDifferentNoise() {
    float[] a = new float[16];
    float[] b = new float[16];
    GaussianNoise.fill(1, a);
    GaussianNoise.fill(2, b);
    assertEquals(false, Arrays.equals(a, b));
  }

  private static double[] box(float[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }
}
