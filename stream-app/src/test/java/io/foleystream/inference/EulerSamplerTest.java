package io.foleystream.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EulerSamplerTest {

  private static final ClassifierFreeGuidance OFF = new ClassifierFreeGuidance(0.5);
  private static final EulerSampler.StepListener QUIET = (done, total) -> { };

  @Test
  void evaluatesAtEveryGridPointExceptOneAndInOrder() {
    EulerSampler sampler = new EulerSampler(25);
    AnalyticFlow flow = new AnalyticFlow(1, 3, (row, x, t) -> 0f);
    sampler.sample(new float[3], 1, OFF, flow, QUIET);
    float[] grid = TimeGrid.of(25);
    assertEquals(25, flow.evaluatedTimes.size());
    for (int k = 0; k < 25; k++) {
      assertEquals(grid[k], flow.evaluatedTimes.get(k), 0f, "step " + k);
    }
  }

  @Test
  void timeDependentFieldGivesTheLeftRiemannSumNotTheExactSolution() {
    // dx/dt = t: the ODE gives x(1) = x(0) + 1/2; Euler on n uniform steps gives (n - 1) / (2n).
    for (int steps : new int[] {1, 4, 25, 50}) {
      float[] x = {0f};
      new EulerSampler(steps).sample(x, 1, OFF, new AnalyticFlow(1, 1, (r, v, t) -> t), QUIET);
      assertEquals((steps - 1) / (2.0 * steps), x[0], 1e-6, steps + " steps");
    }
  }

  @Test
  void linearFieldFollowsTheEulerProductAndConvergesToTheExponential() {
    // dx/dt = -x: Euler gives x0 * prod(1 - dt_k); the ODE gives x0 * e^-1.
    float[] grid = TimeGrid.of(25);
    double product = 2.0;
    for (int k = 0; k < 25; k++) {
      product *= 1.0 - ((double) grid[k + 1] - grid[k]);
    }
    float[] x = {2f};
    new EulerSampler(25).sample(x, 1, OFF, new AnalyticFlow(1, 1, (r, v, t) -> -v), QUIET);
    assertEquals(product, x[0], 1e-6);
    assertEquals(2.0 * Math.exp(-1), x[0], 0.02, "Euler error is O(1/steps)");
    assertTrue(Math.abs(x[0] - 2.0 * Math.exp(-1)) > 1e-3, "must not be an exact integrator");
  }

  @Test
  void constantFieldMovesByExactlyItsValue() {
    float[] x = {1f, -1f};
    new EulerSampler(25).sample(x, 1, OFF, new AnalyticFlow(1, 2, (r, v, t) -> 0.5f), QUIET);
    assertArrayEquals(new float[] {1.5f, -0.5f}, x, 1e-6f);
  }

  @Test
  void guidanceCombinesConditionalAndUnconditionalRows() {
    // Conditional rows (row < windows) move at +1, unconditional ones at -2.
    int windows = 2;
    AnalyticFlow flow = new AnalyticFlow(2 * windows, 3,
        (row, v, t) -> row < windows ? 1f : -2f);
    float[] x = new float[windows * 3];
    new EulerSampler(25).sample(x, windows, new ClassifierFreeGuidance(4.5), flow, QUIET);
    float expected = 4.5f * 1f + (1f - 4.5f) * -2f;
    for (float value : x) {
      assertEquals(expected, value, 1e-5f);
    }
  }

  @Test
  void guidanceFeedsTheSameLatentsToBothBranches() {
    int windows = 3;
    List<String> mismatches = new ArrayList<>();
    AnalyticFlow flow = new AnalyticFlow(2 * windows, 4, (row, v, t) -> 0f) {
      @Override
      public java.nio.FloatBuffer evaluate(float t) {
        for (int i = 0; i < windows * 4; i++) {
          if (latents().get(i) != latents().get(windows * 4 + i)) {
            mismatches.add("t=" + t + " element " + i);
          }
        }
        return super.evaluate(t);
      }
    };
    float[] x = new float[windows * 4];
    GaussianNoise.fill(7, x);
    new EulerSampler(5).sample(x, windows, new ClassifierFreeGuidance(4.5), flow, QUIET);
    assertEquals(List.of(), mismatches);
  }

  @Test
  void guidanceBelowOneRunsOnlyTheConditionalBranch() {
    AnalyticFlow flow = new AnalyticFlow(1, 2, (row, v, t) -> 1f);
    float[] x = new float[2];
    new EulerSampler(25).sample(x, 1, new ClassifierFreeGuidance(0.99), flow, QUIET);
    assertArrayEquals(new float[] {1f, 1f}, x, 1e-6f);
    AnalyticFlow twoRows = new AnalyticFlow(2, 2, (row, v, t) -> 1f);
    assertThrows(IllegalArgumentException.class, () -> new EulerSampler(25)
        .sample(new float[2], 1, new ClassifierFreeGuidance(0.99), twoRows, QUIET));
  }

  @Test
  void guidanceOfExactlyOneIsOnAndEqualsTheConditionalFlow() {
    ClassifierFreeGuidance one = new ClassifierFreeGuidance(1.0);
    assertTrue(one.enabled());
    AnalyticFlow flow = new AnalyticFlow(2, 1, (row, v, t) -> row == 0 ? 3f : 100f);
    float[] x = {0f};
    new EulerSampler(25).sample(x, 1, one, flow, QUIET);
    assertEquals(3f, x[0], 1e-5f);
  }

  @Test
  void batchOfWindowsEqualsWindowsOneByOne() {
    // A nonlinear field whose value depends on the row's branch, its own x and t only.
    int windows = 3;
    int rowSize = 5;
    AnalyticFlow.Field field = (row, v, t) ->
        (float) Math.sin(v * (1 + t)) + (row < windows ? 0.3f : -0.7f) * v;
    float[] batch = new float[windows * rowSize];
    Random random = new Random(11);
    for (int i = 0; i < batch.length; i++) {
      batch[i] = (float) random.nextGaussian();
    }
    float[] original = batch.clone();
    ClassifierFreeGuidance guidance = new ClassifierFreeGuidance(4.5);
    new EulerSampler(25).sample(batch, windows, guidance,
        new AnalyticFlow(2 * windows, rowSize, field), QUIET);
    for (int w = 0; w < windows; w++) {
      float[] single = java.util.Arrays.copyOfRange(original, w * rowSize, (w + 1) * rowSize);
      int windowIndex = w;
      // One window alone: its conditional row is 0, its unconditional row 1.
      AnalyticFlow.Field alone = (row, v, t) -> field.velocity(row == 0 ? windowIndex
          : windows + windowIndex, v, t);
      new EulerSampler(25).sample(single, 1, guidance, new AnalyticFlow(2, rowSize, alone), QUIET);
      assertArrayEquals(single,
          java.util.Arrays.copyOfRange(batch, w * rowSize, (w + 1) * rowSize), "window " + w);
    }
  }

  @Test
  void knownValuesSitOnTheNoiseToDataPathAtEveryEvaluationAndEndExact() {
    int rowSize = 6;
    float[] known = {0.5f, -1.25f, 2f};
    float[] x = new float[rowSize];
    GaussianNoise.fill(3, x);
    float[] noise = x.clone();
    List<String> wrong = new ArrayList<>();
    AnalyticFlow flow = new AnalyticFlow(1, rowSize, (row, v, t) -> (float) Math.cos(v + t)) {
      @Override
      public java.nio.FloatBuffer evaluate(float t) {
        for (int i = 0; i < known.length; i++) {
          float expected = (1f - t) * noise[i] + t * known[i];
          if (latents().get(i) != expected) {
            wrong.add("t=" + t + " element " + i + ": " + latents().get(i) + " != " + expected);
          }
        }
        return super.evaluate(t);
      }
    };
    new EulerSampler(25).sample(x, 1, new float[][] {known}, OFF, flow, QUIET);
    assertEquals(List.of(), wrong);
    assertEquals(25, flow.evaluatedTimes.size());
    assertArrayEquals(known, java.util.Arrays.copyOf(x, known.length), 0f);
    float[] free = noise.clone();
    new EulerSampler(25).sample(free, 1, OFF,
        new AnalyticFlow(1, rowSize, (row, v, t) -> (float) Math.cos(v + t)), QUIET);
    for (int i = known.length; i < rowSize; i++) {
      // An element-wise field: the unknown values move exactly as without a prefix.
      assertEquals(free[i], x[i], 0f, "element " + i);
    }
  }

  @Test
  void noKnownValuesIsBitIdenticalToThePlainLoop() {
    AnalyticFlow.Field field = (row, v, t) -> (float) Math.sin(3 * v) - t * v;
    float[] plain = new float[8];
    GaussianNoise.fill(9, plain);
    float[] none = plain.clone();
    new EulerSampler(25).sample(plain, 2, new ClassifierFreeGuidance(4.5),
        new AnalyticFlow(4, 4, field), QUIET);
    new EulerSampler(25).sample(none, 2, new float[2][], new ClassifierFreeGuidance(4.5),
        new AnalyticFlow(4, 4, field), QUIET);
    assertArrayEquals(plain, none, 0f);
  }

  @Test
  void knownPrefixesOfDifferentLengthsGiveEachWindowItsResultAlone() {
    // The field couples an element to its neighbour, so the known part steers the rest.
    int windows = 3;
    int rowSize = 6;
    float[][] known = {{1f, 2f, 3f, 4f}, null, {-0.5f}};
    float[] batch = new float[windows * rowSize];
    GaussianNoise.fill(21, batch);
    float[] original = batch.clone();
    ClassifierFreeGuidance guidance = new ClassifierFreeGuidance(4.5);
    CoupledFlow batched = new CoupledFlow(2 * windows, rowSize, windows);
    new EulerSampler(10).sample(batch, windows, known, guidance, batched, QUIET);
    for (int w = 0; w < windows; w++) {
      float[] single = java.util.Arrays.copyOfRange(original, w * rowSize, (w + 1) * rowSize);
      new EulerSampler(10).sample(single, 1, new float[][] {known[w]}, guidance,
          new CoupledFlow(2, rowSize, 1), QUIET);
      assertArrayEquals(single,
          java.util.Arrays.copyOfRange(batch, w * rowSize, (w + 1) * rowSize), "window " + w);
    }
    float[] free = java.util.Arrays.copyOfRange(original, 0, rowSize);
    new EulerSampler(10).sample(free, 1, guidance, new CoupledFlow(2, rowSize, 1), QUIET);
    assertTrue(free[4] != batch[4], "the known part must steer its unknown neighbour");
  }

  @Test
  void rejectsKnownValuesThatDoNotFit() {
    AnalyticFlow flow = new AnalyticFlow(2, 2, (r, v, t) -> 0f);
    assertThrows(IllegalArgumentException.class, () -> new EulerSampler(5)
        .sample(new float[4], 2, new float[][] {{1f, 2f, 3f}, null}, OFF, flow, QUIET));
    assertThrows(IllegalArgumentException.class, () -> new EulerSampler(5)
        .sample(new float[4], 2, new float[][] {null}, OFF, flow, QUIET));
  }

  /** v_i = x_(i-1) - x_i within a row, offset per branch: each value feels its left neighbour. */
  private static final class CoupledFlow extends AnalyticFlow {
    private final int windows;

    CoupledFlow(int rows, int rowSize, int windows) {
      super(rows, rowSize, (row, v, t) -> 0f);
      this.windows = windows;
    }

    @Override
    public java.nio.FloatBuffer evaluate(float t) {
      java.nio.FloatBuffer in = latents();
      java.nio.FloatBuffer out = super.evaluate(t);
      for (int row = 0; row < rows(); row++) {
        for (int i = 0; i < rowSize(); i++) {
          int at = row * rowSize() + i;
          float left = i == 0 ? 0f : in.get(at - 1);
          out.put(at, left - in.get(at) + (row < windows ? 0.2f : -0.1f) * t);
        }
      }
      return out;
    }
  }

  @Test
  void reportsEveryStep() {
    List<Integer> done = new ArrayList<>();
    new EulerSampler(7).sample(new float[1], 1, OFF, new AnalyticFlow(1, 1, (r, v, t) -> 0f),
        (completed, total) -> {
          assertEquals(7, total);
          done.add(completed);
        });
    assertEquals(List.of(1, 2, 3, 4, 5, 6, 7), done);
  }

  @Test
  void rejectsLatentsOfTheWrongSize() {
    assertThrows(IllegalArgumentException.class, () -> new EulerSampler(25)
        .sample(new float[3], 1, OFF, new AnalyticFlow(1, 2, (r, v, t) -> 0f), QUIET));
  }

  @Test
  void combineUsesFloat32WeightsRoundedFromTheDoubleStrength() {
    ClassifierFreeGuidance odd = new ClassifierFreeGuidance(4.3);
    // torch: float32(4.3) * c + float32(1 - 4.3) * u, not (1f - 4.3f).
    float expected = (float) 4.3 * 1f + (float) (1.0 - 4.3) * 1f;
    assertEquals(expected, odd.combine(1f, 1f), 0f);
    assertThrows(IllegalArgumentException.class, () -> new ClassifierFreeGuidance(Double.NaN));
  }
}
