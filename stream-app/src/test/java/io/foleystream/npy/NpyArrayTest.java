package io.foleystream.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.foleystream.testdata.ParityData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyArrayTest {

  @TempDir Path dir;

  @Test
  void readsNumpyInt64TokenIds() throws IOException {
    Path tokenizer = ParityData.require("tokenizer");
    JsonNode rows = new ObjectMapper().readTree(tokenizer.resolve("tokens.json").toFile())
        .get("rows");
    int context = rows.get(0).get("ids").size();
    NpyArray ids = NpyArray.read(tokenizer.resolve("ids.npy"));
    assertEquals(NpyDtype.INT64, ids.dtype());
    assertArrayEquals(new long[] {rows.size(), context}, ids.shape());
    long[] values = ids.toLongArray();
    for (int row = 0; row < rows.size(); row++) {
      assertEquals(rows.get(row).get("ids").get(0).asLong(), values[row * context],
          "row " + row);
    }
  }

  @Test
  void widensFloat16Exactly() throws IOException {
    JsonNode config = ParityData.config("synchformer_tiny");
    NpyArray segments = NpyArray.read(
        ParityData.require("synchformer_tiny").resolve("in_segments.npy"));
    assertEquals(NpyDtype.FLOAT16, segments.dtype());
    // 224 pixels: the official Synchformer hard-codes its image size.
    assertArrayEquals(new long[] {config.get("segments").asLong(),
        config.get("video_frames").asLong(), 3, 224, 224}, segments.shape());
    float[] values = segments.toFloatArray();
    for (float v : values) {
      assertTrue(v >= -1f && v <= 1f && v * 1024f == Math.rint(v * 1024f),
          "values are k/1024 in [-1, 1], got " + v);
    }
  }

  @Test
  void roundTripsThroughNumpy() throws Exception {
    float[] values = {0f, -1.5f, 3.25f, Float.MIN_VALUE, 1e30f, -0f};
    Path file = dir.resolve("a.npy");
    NpyArray.ofFloats(new long[] {2, 3}, values).write(file);

    String script = "import numpy as np, sys; a = np.load(sys.argv[1]); "
        + "assert a.dtype == np.float32 and a.shape == (2, 3) and a.flags['C_CONTIGUOUS']; "
        + "np.save(sys.argv[2], (a * 2).astype(np.float32)); "
        + "np.save(sys.argv[3], np.arange(5, dtype=np.int64).reshape(5)); "
        + "np.save(sys.argv[4], np.float32(7))";
    Path doubled = dir.resolve("b.npy");
    Path range = dir.resolve("c.npy");
    Path scalar = dir.resolve("d.npy");
    Process python = new ProcessBuilder("/usr/bin/python3", "-c", script, file.toString(),
        doubled.toString(), range.toString(), scalar.toString()).inheritIO().start();
    assertTrue(python.waitFor(60, TimeUnit.SECONDS));
    assertEquals(0, python.exitValue(), "numpy could not read what we wrote");

    float[] expected = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      expected[i] = values[i] * 2;
    }
    assertArrayEquals(expected, NpyArray.read(doubled).toFloatArray());
    assertArrayEquals(new long[] {0, 1, 2, 3, 4}, NpyArray.read(range).toLongArray());
    NpyArray zeroDim = NpyArray.read(scalar);
    assertArrayEquals(new long[0], zeroDim.shape());
    assertArrayEquals(new float[] {7f}, zeroDim.toFloatArray());
  }

  @Test
  void headerIsPaddedToSixtyFourBytes() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    NpyArray.ofLongs(new long[] {3}, new long[] {1, 2, 3}).write(out);
    byte[] bytes = out.toByteArray();
    int dataOffset = bytes.length - 24;
    assertEquals(0, dataOffset % 64, "data must start on a 64-byte boundary");
    assertEquals('\n', bytes[dataOffset - 1]);
    assertTrue(new String(bytes, 0, dataOffset, StandardCharsets.ISO_8859_1)
        .contains("'shape': (3,)"));
  }

  @Test
  void rejectsBadInputWithTheReason() {
    IOException notNpy = assertThrows(IOException.class,
        () -> NpyArray.read(new ByteArrayInputStream("hello world".getBytes()), "x.npy"));
    assertTrue(notNpy.getMessage().contains("bad magic"), notNpy.getMessage());

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      NpyArray.ofFloats(new long[] {4}, new float[] {1, 2, 3, 4}).write(out);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    byte[] whole = out.toByteArray();
    byte[] truncated = Arrays.copyOf(whole, whole.length - 3);
    IOException cut = assertThrows(IOException.class,
        () -> NpyArray.read(new ByteArrayInputStream(truncated), "t.npy"));
    assertTrue(cut.getMessage().contains("truncated"), cut.getMessage());

    byte[] fortran = new String(whole, StandardCharsets.ISO_8859_1)
        .replace("'fortran_order': False", "'fortran_order': True ")
        .getBytes(StandardCharsets.ISO_8859_1);
    IOException order = assertThrows(IOException.class,
        () -> NpyArray.read(new ByteArrayInputStream(fortran), "f.npy"));
    assertTrue(order.getMessage().contains("Fortran"), order.getMessage());

    byte[] doubles = new String(whole, StandardCharsets.ISO_8859_1).replace("<f4", "<f8")
        .getBytes(StandardCharsets.ISO_8859_1);
    IOException dtype = assertThrows(IOException.class,
        () -> NpyArray.read(new ByteArrayInputStream(doubles), "d.npy"));
    assertTrue(dtype.getMessage().contains("<f8"), dtype.getMessage());
  }

  @Test
  void shapeMustMatchData() {
    assertThrows(IllegalArgumentException.class,
        () -> NpyArray.ofFloats(new long[] {2, 2}, new float[] {1, 2, 3}));
  }
}
