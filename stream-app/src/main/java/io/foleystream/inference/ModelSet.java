package io.foleystream.inference;

import io.foleystream.inference.ModelSetManifest.FileEntry;
import io.foleystream.npy.NpyArray;
import io.foleystream.npy.NpyDtype;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

/**
 * A model set directory, opened and verified: the manifest parsed and checked against the
 * contract, every listed file present with the size and SHA-256 the manifest gives, the learned
 * empty features and the tokenizer vocabulary loaded. Immutable and thread-safe; the ONNX sessions
 * are {@link ModelSessions}' job.
 */
public final class ModelSet {

  static final String MANIFEST = "manifest.json";
  private static final int HASH_BUFFER = 1 << 16;
  /** Bytes hashed between two progress reports: often enough for a bar, rare enough to cost
   * nothing next to the hashing. */
  static final long REPORT_STEP = 8L << 20;

  private final Path directory;
  private final ModelSetManifest manifest;
  private final float[] emptyClip;
  private final float[] emptySync;
  private final float[] emptyText;
  private final ClipTokenizer tokenizer;

  private ModelSet(Path directory, ModelSetManifest manifest, float[] emptyClip,
      float[] emptySync, float[] emptyText, ClipTokenizer tokenizer) {
    this.directory = directory;
    this.manifest = manifest;
    this.emptyClip = emptyClip;
    this.emptySync = emptySync;
    this.emptyText = emptyText;
    this.tokenizer = tokenizer;
  }

  /**
   * Opens and verifies a model set.
   *
   * @param directory the set's directory
   * @return the verified set
   * @throws ModelSetException naming the file and the problem: manifest missing or invalid, a
   *     file missing, of the wrong size or checksum, unreadable features or vocabulary
   */
  public static ModelSet open(Path directory) {
    return open(directory, ModelLoadListener.NONE);
  }

  /**
   * Opens and verifies a model set, telling a listener how the checksum verification goes.
   *
   * @param directory the set's directory
   * @param listener told about the bytes hashed
   * @return the verified set
   * @throws ModelSetException naming the file and the problem: manifest missing or invalid, a
   *     file missing, of the wrong size or checksum, unreadable features or vocabulary
   */
  public static ModelSet open(Path directory, ModelLoadListener listener) {
    Path manifestFile = directory.resolve(MANIFEST);
    String json;
    try {
      json = Files.readString(manifestFile, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ModelSetException(manifestFile + ": no manifest; is " + directory
          + " a model set directory?", e);
    } catch (IOException e) {
      throw new ModelSetException(manifestFile + ": cannot read: " + e.getMessage(), e);
    }
    ModelSetManifest manifest = ManifestReader.parse(json, manifestFile.toString());
    // Sizes first: a missing or truncated file is reported before minutes of hashing.
    long total = 0;
    for (Map.Entry<String, FileEntry> file : manifest.files().entrySet()) {
      requireSize(directory.resolve(file.getKey()), file.getValue());
      total += file.getValue().bytes();
    }
    Hashing hashing = new Hashing(listener, total);
    for (Map.Entry<String, FileEntry> file : manifest.files().entrySet()) {
      hashing.verify(directory, file.getKey(), file.getValue());
    }
    SequenceConfig s = manifest.sequence();
    ModelSetManifest.EmptyFeatures empty = manifest.emptyFeatures();
    float[] clip = readFeature(directory.resolve(empty.clipFile()), 1, s.clipDim());
    float[] sync = readFeature(directory.resolve(empty.syncFile()), 1, s.syncDim());
    float[] text = readFeature(directory.resolve(empty.textFile()), s.textLen(), s.textDim());
    return new ModelSet(directory, manifest, clip, sync, text,
        readTokenizer(directory, manifest.tokenizer()));
  }

  private static void requireSize(Path file, FileEntry expected) {
    if (!Files.isRegularFile(file)) {
      throw new ModelSetException(file + ": missing (listed in " + MANIFEST + ")");
    }
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new ModelSetException(file + ": cannot read: " + e.getMessage(), e);
    }
    if (size != expected.bytes()) {
      throw new ModelSetException(file + ": " + size + " bytes, " + MANIFEST + " says "
          + expected.bytes() + " (truncated or replaced)");
    }
  }

  /** Hashes the files of one set in turn, keeping the running count the listener sees. */
  private static final class Hashing {

    private final ModelLoadListener listener;
    private final long total;
    private final byte[] buffer = new byte[HASH_BUFFER];
    private long hashedBefore;

    Hashing(ModelLoadListener listener, long total) {
      this.listener = listener;
      this.total = total;
    }

    void verify(Path directory, String name, FileEntry expected) {
      Path file = directory.resolve(name);
      try {
        String sha = sha256(file, name, expected.bytes());
        if (!sha.equals(expected.sha256())) {
          throw new ModelSetException(file + ": SHA-256 " + sha + ", " + MANIFEST + " says "
              + expected.sha256() + " (corrupted or replaced)");
        }
      } catch (IOException e) {
        throw new ModelSetException(file + ": cannot read: " + e.getMessage(), e);
      }
    }

    private String sha256(Path file, String name, long size) throws IOException {
      MessageDigest digest;
      try {
        digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every Java runtime has SHA-256", e);
      }
      long read = 0;
      long reported = 0;
      report(name, 0, size);
      try (InputStream in = Files.newInputStream(file)) {
        for (int n; (n = in.read(buffer)) > 0; ) {
          digest.update(buffer, 0, n);
          read += n;
          if (read - reported >= REPORT_STEP) {
            reported = read;
            report(name, read, size);
          }
        }
      }
      report(name, size, size);
      hashedBefore += size;
      return HexFormat.of().formatHex(digest.digest());
    }

    private void report(String name, long fileHashed, long size) {
      listener.hashed(new ModelLoadListener.Progress(name, Math.min(fileHashed, size), size,
          hashedBefore + Math.min(fileHashed, size), total));
    }
  }

  private static float[] readFeature(Path file, long rows, long width) {
    NpyArray array;
    try {
      array = NpyArray.read(file);
    } catch (IOException | IllegalArgumentException e) {
      throw new ModelSetException(file + ": not a readable .npy array: " + e.getMessage(), e);
    }
    if (array.dtype() != NpyDtype.FLOAT32 || !Arrays.equals(array.shape(),
        new long[] {rows, width})) {
      throw new ModelSetException(file + ": " + array + ", expected float32 [" + rows + ", "
          + width + "]");
    }
    float[] values = array.toFloatArray();
    try {
      FeatureChecks.requireFinite(values, file.toString());
    } catch (InvalidInputException e) {
      throw new ModelSetException(e.getMessage(), e);
    }
    return values;
  }

  private static ClipTokenizer readTokenizer(Path directory,
      ModelSetManifest.TokenizerSpec spec) {
    Path file = directory.resolve(spec.file());
    ClipTokenizer tokenizer;
    try {
      tokenizer = ClipTokenizer.read(file, spec.merges(), spec.contextLength());
    } catch (IOException | IllegalStateException e) {
      throw new ModelSetException(file + ": not a usable BPE merges file: " + e.getMessage(), e);
    }
    if (tokenizer.vocabularySize() != spec.vocabSize()
        || tokenizer.startId() != spec.startToken() || tokenizer.endId() != spec.endToken()) {
      throw new ModelSetException(file + ": builds a vocabulary of " + tokenizer.vocabularySize()
          + " ids with start/end " + tokenizer.startId() + "/" + tokenizer.endId() + "; "
          + MANIFEST + " says " + spec.vocabSize() + " with " + spec.startToken() + "/"
          + spec.endToken());
    }
    return tokenizer;
  }

  /**
   * The set's directory.
   *
   * @return the directory
   */
  public Path directory() {
    return directory;
  }

  /**
   * The verified manifest.
   *
   * @return the manifest
   */
  public ModelSetManifest manifest() {
    return manifest;
  }

  /**
   * The fixed geometry.
   *
   * @return the sequence configuration
   */
  public SequenceConfig sequence() {
    return manifest.sequence();
  }

  /**
   * The ONNX file of a graph.
   *
   * @param graph the graph
   * @return its path
   */
  public Path file(ModelGraph graph) {
    return directory.resolve(manifest.models().get(graph).file());
  }

  /**
   * The learned empty CLIP feature, one row.
   *
   * @return a copy, {@code clip_dim} floats
   */
  public float[] emptyClipFeature() {
    return emptyClip.clone();
  }

  /**
   * The learned empty Synchformer feature, one row.
   *
   * @return a copy, {@code sync_dim} floats
   */
  public float[] emptySyncFeature() {
    return emptySync.clone();
  }

  /**
   * The stored empty-string text feature of the checkpoint (the official {@code generate()}'s
   * default negative text). Generation encodes the empty string instead ({@link TextPlan}); the
   * feature is verified and kept for comparisons.
   *
   * @return a copy, {@code text_len * text_dim} floats
   */
  public float[] emptyTextFeature() {
    return emptyText.clone();
  }

  /**
   * The set's tokenizer.
   *
   * @return the tokenizer
   */
  public ClipTokenizer tokenizer() {
    return tokenizer;
  }

  @Override
  public String toString() {
    return "model set " + manifest.variant() + " (" + manifest.precision() + ", "
        + manifest.sampleRate() + " Hz, " + manifest.durationS() + " s, weights "
        + manifest.weights() + ") at " + directory;
  }
}
