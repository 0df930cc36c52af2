package io.foleystream.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.foleystream.npy.NpyArray;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSetTest {

  @TempDir
  Path temp;

  @Test
  void opensTheTinySet() {
    ModelSet set = ModelSet.open(TinyModelSet.DIRECTORY);
    SequenceConfig s = set.sequence();
    assertEquals(250, s.latentLen());
    assertEquals(s.clipDim(), set.emptyClipFeature().length);
    assertEquals(s.syncDim(), set.emptySyncFeature().length);
    assertEquals(s.textLen() * s.textDim(), set.emptyTextFeature().length);
    assertEquals(set.manifest().tokenizer().vocabSize(), set.tokenizer().vocabularySize());
    assertTrue(Files.isRegularFile(set.file(ModelGraph.VELOCITY)));
  }

  @Test
  void aMissingDirectoryOrManifestIsNamed() {
    ModelSetException e = assertThrows(ModelSetException.class,
        () -> ModelSet.open(temp.resolve("nowhere")));
    assertTrue(e.getMessage().contains("manifest.json: no manifest"), e.getMessage());
  }

  @Test
  void aMissingModelFileIsNamed() throws IOException {
    Path set = TinyModelSet.copyTo(temp);
    Files.delete(set.resolve("velocity.onnx"));
    ModelSetException e = assertThrows(ModelSetException.class, () -> ModelSet.open(set));
    assertEquals(set.resolve("velocity.onnx") + ": missing (listed in manifest.json)",
        e.getMessage());
  }

  @Test
  void aTruncatedModelFileIsNamedWithBothSizes() throws IOException {
    Path set = TinyModelSet.copyTo(temp);
    Path file = set.resolve("vocoder.onnx");
    long size = Files.size(file);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(size / 2);
    }
    ModelSetException e = assertThrows(ModelSetException.class, () -> ModelSet.open(set));
    assertTrue(e.getMessage().contains("vocoder.onnx: " + size / 2 + " bytes, manifest.json "
        + "says " + size), e.getMessage());
  }

  @Test
  void aCorruptedModelFileFailsItsChecksum() throws IOException {
    Path set = TinyModelSet.copyTo(temp);
    flipByte(set.resolve("conditions.onnx"), 100);
    ModelSetException e = assertThrows(ModelSetException.class, () -> ModelSet.open(set));
    assertTrue(e.getMessage().contains("conditions.onnx: SHA-256 "), e.getMessage());
    assertTrue(e.getMessage().contains("(corrupted or replaced)"), e.getMessage());
  }

  @Test
  void aCorruptedModelWithAMatchingChecksumIsRejectedByOnnxRuntimeWithoutACrash()
      throws IOException {
    Path set = TinyModelSet.copyTo(temp);
    Path file = set.resolve("clip_text.onnx");
    Files.write(file, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    rewriteChecksum(set, "clip_text.onnx");
    ModelSet opened = ModelSet.open(set);
    ModelSetException e = assertThrows(ModelSetException.class,
        () -> ModelSessions.open(opened, RuntimeOptions.defaults()).close());
    assertTrue(e.getMessage().startsWith(file + ": ONNX Runtime cannot load this graph"),
        e.getMessage());
  }

  @Test
  void aGraphWhoseInputsDifferFromTheManifestIsRejected() throws IOException {
    Path set = TinyModelSet.copyTo(temp);
    Files.copy(set.resolve("vocoder.onnx"), set.resolve("velocity.onnx"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    rewriteChecksum(set, "velocity.onnx");
    ModelSet opened = ModelSet.open(set);
    ModelSetException e = assertThrows(ModelSetException.class,
        () -> ModelSessions.open(opened, RuntimeOptions.defaults()).close());
    assertTrue(e.getMessage().contains("velocity.onnx: the graph's inputs are [mel], "
        + "manifest.json declares [clip_c, clip_f, sync_f, t, text_c, text_f, x]"),
        e.getMessage());
  }

  @Test
  void emptyFeaturesOfTheWrongShapeAreRejected() throws IOException {
    Path set = TinyModelSet.copyTo(temp);
    ModelSet good = ModelSet.open(set);
    int width = good.sequence().clipDim();
    NpyArray.ofFloats(new long[] {2, width}, new float[2 * width]).write(
        set.resolve("empty_clip.npy"));
    rewriteChecksum(set, "empty_clip.npy");
    ModelSetException e = assertThrows(ModelSetException.class, () -> ModelSet.open(set));
    assertTrue(e.getMessage().contains("empty_clip.npy: NpyArray[FLOAT32 [2, " + width
        + "]], expected float32 [1, " + width + "]"), e.getMessage());
  }

  @Test
  void nanInTheEmptyFeaturesIsRejected() throws IOException {
    Path set = TinyModelSet.copyTo(temp);
    float[] values = NpyArray.read(set.resolve("empty_sync.npy")).toFloatArray();
    values[3] = Float.NaN;
    NpyArray.ofFloats(new long[] {1, values.length}, values).write(set.resolve("empty_sync.npy"));
    rewriteChecksum(set, "empty_sync.npy");
    ModelSetException e = assertThrows(ModelSetException.class, () -> ModelSet.open(set));
    assertTrue(e.getMessage().contains("empty_sync.npy: element 3 is NaN"), e.getMessage());
  }

  @Test
  void aVocabularyWithTooFewMergesIsRejected() throws IOException {
    Path set = TinyModelSet.copyTo(temp);
    ObjectMapper json = new ObjectMapper();
    ObjectNode manifest = (ObjectNode) json.readTree(set.resolve("manifest.json").toFile());
    ObjectNode tokenizer = (ObjectNode) manifest.get("tokenizer");
    int merges = 48894;
    tokenizer.put("merges", merges).put("vocab_size", 512 + merges + 2)
        .put("start_token", 512 + merges).put("end_token", 512 + merges + 1);
    json.writeValue(set.resolve("manifest.json").toFile(), manifest);
    ModelSetException e = assertThrows(ModelSetException.class, () -> ModelSet.open(set));
    assertTrue(e.getMessage().contains("not a usable BPE merges file: "), e.getMessage());
    assertTrue(e.getMessage().contains("expected 48894 merges"), e.getMessage());
  }

  static void flipByte(Path file, int offset) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    bytes[offset] ^= 0x5a;
    Files.write(file, bytes);
  }

  static void rewriteChecksum(Path set, String name) throws IOException {
    ObjectMapper json = new ObjectMapper();
    ObjectNode manifest = (ObjectNode) json.readTree(set.resolve("manifest.json").toFile());
    byte[] bytes = Files.readAllBytes(set.resolve(name));
    String sha;
    try {
      sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
    ((ObjectNode) manifest.get("files").get(name)).put("sha256", sha).put("bytes",
        bytes.length);
    json.writeValue(set.resolve("manifest.json").toFile(), manifest);
  }
}
