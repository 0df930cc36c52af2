package io.foleystream.npy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Float16Test {

  @TempDir Path dir;

  /** Every one of the 65,536 half values, widened by NumPy, must widen to the same float here. */
  @Test
  void widensEveryHalfValueAsNumpyDoes() throws Exception {
    Path out = dir.resolve("all.f32");
    String script = "import numpy as np, sys; "
        + "np.arange(65536, dtype=np.uint16).view(np.float16).astype(np.float32)"
        + ".tofile(sys.argv[1])";
    Process python = new ProcessBuilder("/usr/bin/python3", "-c", script, out.toString())
        .inheritIO().start();
    assertTrue(python.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, python.exitValue());
    ByteBuffer expected = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
    for (int bits = 0; bits < 65536; bits++) {
      int want = expected.getInt(bits * 4);
      int got = Float.floatToRawIntBits(Float16.toFloat((short) bits));
      assertEquals(want, got, "half bits 0x" + Integer.toHexString(bits));
    }
  }

  /** Narrowing must round to nearest even exactly as NumPy's float32 -> float16 cast. */
  @Test
  void narrowsAsNumpyDoes() throws Exception {
    int n = 200_000;
    float[] values = new float[n];
    java.util.SplittableRandom random = new java.util.SplittableRandom(7);
    for (int i = 0; i < n; i++) {
      // Random bit patterns cover subnormals, overflow, ties and NaN payloads.
      values[i] = i < 1000 ? (i - 500) * 0x1p-25f : Float.intBitsToFloat(random.nextInt());
    }
    Path in = dir.resolve("in.f32");
    Path out = dir.resolve("out.f16");
    ByteBuffer buffer = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asFloatBuffer().put(values);
    Files.write(in, buffer.array());
    String script = "import numpy as np, sys; "
        + "np.fromfile(sys.argv[1], dtype='<f4').astype('<f2').tofile(sys.argv[2])";
    Process python = new ProcessBuilder("/usr/bin/python3", "-W", "ignore", "-c", script,
        in.toString(), out.toString()).inheritIO().start();
    assertTrue(python.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, python.exitValue());
    ByteBuffer expected = ByteBuffer.wrap(Files.readAllBytes(out)).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < n; i++) {
      short want = expected.getShort(i * 2);
      short got = Float16.fromFloat(values[i]);
      if (Float.isNaN(values[i])) {
        assertTrue(Float.isNaN(Float16.toFloat(got)), "NaN must stay NaN");
      } else {
        assertEquals(want, got, "float " + values[i]);
      }
    }
  }
}
