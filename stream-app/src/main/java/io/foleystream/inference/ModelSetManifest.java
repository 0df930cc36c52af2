package io.foleystream.inference;

import java.util.List;
import java.util.Map;

/**
 * The parsed, structurally validated {@code manifest.json} of a model set (docs/model-set.md).
 *
 * @param formatVersion the manifest format version
 * @param variant the network variant, e.g. {@code small_16k} or {@code tiny}
 * @param precision {@code fp32} or {@code fp16} (inputs and outputs are float32 either way)
 * @param sampleRate output sample rate in Hz
 * @param durationS window duration in seconds
 * @param sequence the fixed geometry
 * @param sampler the sampler defaults
 * @param models every graph's file and declared inputs and outputs
 * @param emptyFeatures the learned empty features' files
 * @param tokenizer the tokenizer's vocabulary and special tokens
 * @param files SHA-256 and size of every file except the manifest
 * @param weights where the weights came from: {@code official}, {@code random-init} or
 *     {@code custom}
 */
public record ModelSetManifest(
    int formatVersion, String variant, String precision, int sampleRate, double durationS,
    SequenceConfig sequence, SamplerDefaults sampler, Map<ModelGraph, ModelSpec> models,
    EmptyFeatures emptyFeatures, TokenizerSpec tokenizer, Map<String, FileEntry> files,
    String weights) {

  /**
   * Copies the collections.
   */
  public ModelSetManifest {
    models = Map.copyOf(models);
    files = Map.copyOf(files);
  }

  /**
   * The sampler defaults of the set.
   *
   * @param steps Euler steps
   * @param cfgStrength guidance strength
   */
  public record SamplerDefaults(int steps, double cfgStrength) {}

  /**
   * One graph.
   *
   * @param file the ONNX file, relative to the set
   * @param externalData external data files beside it
   * @param inputs declared inputs
   * @param outputs declared outputs
   */
  public record ModelSpec(String file, List<String> externalData, List<TensorSpec> inputs,
      List<TensorSpec> outputs) {
    /** Copies the lists. */
    public ModelSpec {
      externalData = List.copyOf(externalData);
      inputs = List.copyOf(inputs);
      outputs = List.copyOf(outputs);
    }
  }

  /**
   * The learned empty features.
   *
   * @param clipFile {@code [1, clip_dim]} float32 .npy
   * @param syncFile {@code [1, sync_dim]} float32 .npy
   * @param textFile {@code [text_len, text_dim]} float32 .npy
   */
  public record EmptyFeatures(String clipFile, String syncFile, String textFile) {}

  /**
   * The CLIP tokenizer.
   *
   * @param file the gzip merges file
   * @param contextLength tokens per prompt
   * @param vocabSize ids in the vocabulary
   * @param merges merges used from the file
   * @param startToken start-of-text id
   * @param endToken end-of-text id
   * @param padToken padding id
   */
  public record TokenizerSpec(String file, int contextLength, int vocabSize, int merges,
      int startToken, int endToken, int padToken) {}

  /**
   * A file's checksum and size.
   *
   * @param sha256 lower-case hex SHA-256
   * @param bytes size in bytes
   */
  public record FileEntry(String sha256, long bytes) {}
}
