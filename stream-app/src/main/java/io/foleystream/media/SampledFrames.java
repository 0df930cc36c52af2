package io.foleystream.media;

import io.foleystream.npy.NpyArray;
import java.util.Arrays;

/**
 * One model branch's input for one window: the preprocessed frames of every grid point as one
 * float32 tensor {@code [count, 3, size, size]} (C order), and which source frame each point used.
 *
 * <p>When the source ends before the window does (end of stream, a missing last chunk), the grid
 * points after the last decoded frame have no frame: {@link #covered()} says how many points,
 * always a prefix, got one. The rows of the uncovered points repeat the last covered frame (or are
 * zero when no point is covered) so the tensor always has the model's shape, and their {@link
 * #sourcePtsUs()} entry is {@link #NO_FRAME}; apply the stream's gap policy before using them.
 */
public final class SampledFrames {

  /** {@link #sourcePtsUs()} value of a grid point no frame served. */
  public static final long NO_FRAME = Long.MIN_VALUE;

  private final SamplingGrid grid;
  private final int size;
  private final float[] data;
  private final long[] sourcePtsUs;
  private int covered;

  SampledFrames(SamplingGrid grid, int size) {
    this.grid = grid;
    this.size = size;
    this.data = new float[Math.multiplyExact(grid.count(), 3 * size * size)];
    this.sourcePtsUs = new long[grid.count()];
    Arrays.fill(sourcePtsUs, NO_FRAME);
  }

  /** Fills points {@code [from, from + n)} with the frame already written at {@code from}. */
  void repeat(int from, int n, long ptsUs) {
    int frame = frameFloats();
    for (int i = from; i < from + n; i++) {
      if (i > from) {
        System.arraycopy(data, from * frame, data, i * frame, frame);
      }
      sourcePtsUs[i] = ptsUs;
    }
    covered = Math.max(covered, from + n);
  }

  /** Copies the last covered frame into the uncovered rows (nothing if no point is covered). */
  void padUncoveredRows() {
    if (covered == 0) {
      return;
    }
    int frame = frameFloats();
    for (int i = covered; i < sourcePtsUs.length; i++) {
      System.arraycopy(data, (covered - 1) * frame, data, i * frame, frame);
    }
  }

  /**
   * The grid these frames sample.
   *
   * @return the grid
   */
  public SamplingGrid grid() {
    return grid;
  }

  /**
   * The number of grid points, the tensor's first dimension.
   *
   * @return e.g. 64 (CLIP) or 200 (Synchformer) for 8 s
   */
  public int count() {
    return sourcePtsUs.length;
  }

  /**
   * Height and width of each frame.
   *
   * @return 384 (CLIP) or 224 (Synchformer)
   */
  public int size() {
    return size;
  }

  /**
   * The tensor shape.
   *
   * @return {@code [count, 3, size, size]}
   */
  public long[] shape() {
    return new long[] {count(), 3, size, size};
  }

  /**
   * The tensor, C order, shared (not copied).
   *
   * @return {@code count * 3 * size * size} floats
   */
  public float[] data() {
    return data;
  }

  /**
   * The stream time of the source frame each grid point used, or {@link #NO_FRAME}.
   *
   * @return a copy, one entry per grid point
   */
  public long[] sourcePtsUs() {
    return sourcePtsUs.clone();
  }

  /**
   * How many grid points, from the first, a decoded frame served.
   *
   * @return between 0 and {@link #count()}
   */
  public int covered() {
    return covered;
  }

  /**
   * Whether every grid point was served by a decoded frame.
   *
   * @return {@code covered() == count()}
   */
  public boolean complete() {
    return covered == count();
  }

  /**
   * The tensor as a float32 NumPy array (shares nothing with this object).
   *
   * @return {@code [count, 3, size, size]} float32
   */
  public NpyArray toNpy() {
    return NpyArray.ofFloats(shape(), data);
  }

  /**
   * The source frame times as an int64 NumPy array.
   *
   * @return {@code [count]} int64 microseconds, {@link #NO_FRAME} where no frame served
   */
  public NpyArray sourcePtsNpy() {
    return NpyArray.ofLongs(new long[] {count()}, sourcePtsUs);
  }

  private int frameFloats() {
    return 3 * size * size;
  }
}
