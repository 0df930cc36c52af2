package io.foleystream.inference;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.foleystream.inference.ModelSetManifest.EmptyFeatures;
import io.foleystream.inference.ModelSetManifest.FileEntry;
import io.foleystream.inference.ModelSetManifest.ModelSpec;
import io.foleystream.inference.ModelSetManifest.SamplerDefaults;
import io.foleystream.inference.ModelSetManifest.TokenizerSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;
import java.util.regex.Pattern;

/**
 * Reads {@code manifest.json} and checks it against the model-set contract: format and version,
 * every field present with the right type, all seven graphs declared with exactly the inputs and
 * outputs of the {@link GraphContract} (names, dtypes, sizes from the sequence block), a
 * tokenizer whose special tokens fit its vocabulary, and every referenced file listed with its
 * checksum. It does not touch the other files; {@link ModelSet} does.
 */
final class ManifestReader {

  static final String FORMAT = "foleystream-model-set";
  static final int FORMAT_VERSION = 3;
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
  private static final int BYTE_SYMBOLS = 512;

  private final String source;

  private ManifestReader(String source) {
    this.source = source;
  }

  /**
   * Parses and validates a manifest.
   *
   * @param json the manifest text
   * @param source what to call it in error messages (its path)
   * @return the manifest
   * @throws ModelSetException naming the field and what is wrong with it
   */
  static ModelSetManifest parse(String json, String source) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new ModelSetException(source + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new ModelSetException(source + ": not a JSON object");
    }
    return new ManifestReader(source).read(root);
  }

  private ModelSetManifest read(JsonNode root) {
    String format = text(root, "format");
    if (!FORMAT.equals(format)) {
      throw fail("format is '" + format + "', expected '" + FORMAT + "'");
    }
    int version = integer(root, "format_version");
    if (version != FORMAT_VERSION) {
      throw fail("format_version " + version + " is not supported (this engine reads version "
          + FORMAT_VERSION + "; export the set again with this release's exporter)");
    }
    String precision = text(root, "precision");
    if (!precision.equals("fp32") && !precision.equals("fp16")) {
      throw fail("precision '" + precision + "' is neither fp32 nor fp16");
    }
    int sampleRate = positive(root, "sample_rate");
    double duration = number(root, "duration_s");
    if (!(duration > 0)) {
      throw fail("duration_s must be positive, is " + duration);
    }
    JsonNode sequenceBlock = object(root, "sequence");
    SequenceConfig sequence = sequence(sequenceBlock);
    SamplerDefaults sampler = sampler(object(root, "sampler"));
    Map<String, FileEntry> files = files(object(root, "files"));
    Map<ModelGraph, ModelSpec> models = models(object(root, "models"),
        field -> positive(sequenceBlock, field, "sequence." + field), files);
    EmptyFeatures empty = emptyFeatures(object(root, "empty_features"), sequence, files);
    TokenizerSpec tokenizer = tokenizer(object(root, "tokenizer"), sequence, files);
    String weights = text(object(root, "provenance"), "weights", "provenance.weights");
    return new ModelSetManifest(version, text(root, "variant"), precision, sampleRate, duration,
        sequence, sampler, models, empty, tokenizer, files, weights);
  }

  private SequenceConfig sequence(JsonNode s) {
    ToIntFunction<String> f = name -> positive(s, name, "sequence." + name);
    SequenceConfig config = new SequenceConfig(
        f.applyAsInt("latent_len"), f.applyAsInt("latent_dim"), f.applyAsInt("hidden_dim"),
        f.applyAsInt("clip_len"), f.applyAsInt("sync_len"), f.applyAsInt("text_len"),
        f.applyAsInt("clip_dim"), f.applyAsInt("sync_dim"), f.applyAsInt("text_dim"),
        f.applyAsInt("clip_fps"), f.applyAsInt("sync_fps"), f.applyAsInt("clip_frames"),
        f.applyAsInt("sync_frames"), f.applyAsInt("sync_segment_frames"),
        f.applyAsInt("sync_segment_step"), f.applyAsInt("clip_image_size"),
        f.applyAsInt("sync_image_size"), f.applyAsInt("samples"), f.applyAsInt("mel_bins"),
        f.applyAsInt("vocoder_context_frames"));
    if (config.clipFrames() != config.clipLen()) {
      throw fail("sequence.clip_frames " + config.clipFrames() + " differs from clip_len "
          + config.clipLen() + " (one CLIP feature per frame)");
    }
    if (config.syncFrames() < config.syncSegmentFrames()) {
      throw fail("sequence.sync_frames " + config.syncFrames() + " is shorter than one segment");
    }
    int expectedSync = config.syncSegments() * SequenceConfig.SYNC_TOKENS_PER_SEGMENT;
    if (config.syncLen() != expectedSync) {
      throw fail("sequence.sync_len " + config.syncLen() + " does not match "
          + config.syncSegments() + " segments of " + SequenceConfig.SYNC_TOKENS_PER_SEGMENT
          + " (" + expectedSync + ")");
    }
    if (config.samples() % config.melFrames() != 0) {
      throw fail("sequence.samples " + config.samples() + " is not a whole number of samples "
          + "per mel frame (" + config.melFrames() + " mel frames, twice latent_len "
          + config.latentLen() + ")");
    }
    return config;
  }

  private SamplerDefaults sampler(JsonNode s) {
    return new SamplerDefaults(positive(s, "steps", "sampler.steps"),
        number(s, "cfg_strength", "sampler.cfg_strength"));
  }

  private Map<String, FileEntry> files(JsonNode node) {
    Map<String, FileEntry> files = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> entries = node.fields();
    while (entries.hasNext()) {
      Map.Entry<String, JsonNode> entry = entries.next();
      String name = entry.getKey();
      if (name.equals("manifest.json") || name.contains("..") || name.startsWith("/")
          || name.contains("\\")) {
        throw fail("files lists '" + name + "', which is not a file of the set");
      }
      JsonNode value = entry.getValue();
      String path = "files." + name;
      String sha = text(value, "sha256", path + ".sha256");
      if (!SHA256.matcher(sha).matches()) {
        throw fail(path + ".sha256 is not 64 lower-case hex digits: '" + sha + "'");
      }
      JsonNode bytes = value.get("bytes");
      if (bytes == null || !bytes.canConvertToLong() || !bytes.isIntegralNumber()
          || bytes.asLong() < 0) {
        throw fail(path + ".bytes must be a non-negative integer");
      }
      files.put(name, new FileEntry(sha, bytes.asLong()));
    }
    return files;
  }

  private Map<ModelGraph, ModelSpec> models(JsonNode node, ToIntFunction<String> sequence,
      Map<String, FileEntry> files) {
    Map<ModelGraph, ModelSpec> models = new EnumMap<>(ModelGraph.class);
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String key = names.next();
      if (ModelGraph.forKey(key) == null) {
        throw fail("models." + key + " is not a graph this engine knows");
      }
    }
    for (ModelGraph graph : ModelGraph.values()) {
      String path = "models." + graph.key();
      JsonNode spec = node.get(graph.key());
      if (spec == null || !spec.isObject()) {
        throw fail(path + " is missing");
      }
      String file = listedFile(text(spec, "file", path + ".file"), path + ".file", files);
      List<String> external = new ArrayList<>();
      JsonNode data = spec.get("external_data");
      if (data != null && !data.isNull()) {
        if (!data.isArray()) {
          throw fail(path + ".external_data must be a list of file names");
        }
        for (JsonNode f : data) {
          external.add(listedFile(f.asText(), path + ".external_data", files));
        }
      }
      List<TensorSpec> inputs = tensors(spec, path, "inputs", graph.inputs(sequence));
      List<TensorSpec> outputs = tensors(spec, path, "outputs", graph.outputs(sequence));
      models.put(graph, new ModelSpec(file, external, inputs, outputs));
    }
    return models;
  }

  private List<TensorSpec> tensors(JsonNode spec, String graphPath, String field,
      List<TensorSpec> contract) {
    String path = graphPath + "." + field;
    JsonNode list = spec.get(field);
    if (list == null || !list.isArray()) {
      throw fail(path + " is missing or not a list");
    }
    List<TensorSpec> declared = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (JsonNode tensor : list) {
      String name = text(tensor, "name", path + "[].name");
      if (!seen.add(name)) {
        throw fail(path + " declares '" + name + "' twice");
      }
      declared.add(tensor(tensor, path + "." + name));
    }
    for (TensorSpec expected : contract) {
      TensorSpec actual = declared.stream().filter(t -> t.name().equals(expected.name()))
          .findFirst().orElseThrow(() -> fail(path + " lacks '" + expected.name()
              + "' (expected " + expected + ")"));
      if (!actual.sameSignature(expected)) {
        throw fail(path + "." + expected.name() + " is declared as " + actual
            + ", the model-set contract needs " + expected);
      }
    }
    for (TensorSpec actual : declared) {
      if (contract.stream().noneMatch(t -> t.name().equals(actual.name()))) {
        throw fail(path + " declares '" + actual.name() + "', which the engine does not use");
      }
    }
    return List.copyOf(declared);
  }

  private TensorSpec tensor(JsonNode node, String path) {
    String dtype = text(node, "dtype", path + ".dtype");
    JsonNode shape = node.get("shape");
    if (shape == null || !shape.isArray()) {
      throw fail(path + ".shape is missing or not a list");
    }
    List<TensorSpec.Dimension> dims = new ArrayList<>();
    for (JsonNode dim : shape) {
      if (dim.isTextual()) {
        dims.add(TensorSpec.Dimension.symbolic(dim.asText()));
      } else if (dim.isIntegralNumber() && dim.asLong() > 0) {
        dims.add(TensorSpec.Dimension.fixed(dim.asLong()));
      } else {
        throw fail(path + ".shape has a dimension that is neither a symbol nor a positive "
            + "integer: " + dim);
      }
    }
    return new TensorSpec(text(node, "name", path + ".name"), dtype, dims);
  }

  private EmptyFeatures emptyFeatures(JsonNode node, SequenceConfig s,
      Map<String, FileEntry> files) {
    return new EmptyFeatures(
        emptyFeature(node, "clip", new long[] {1, s.clipDim()}, files),
        emptyFeature(node, "sync", new long[] {1, s.syncDim()}, files),
        emptyFeature(node, "text", new long[] {s.textLen(), s.textDim()}, files));
  }

  private String emptyFeature(JsonNode node, String name, long[] shape,
      Map<String, FileEntry> files) {
    String path = "empty_features." + name;
    JsonNode feature = object(node, name, path);
    JsonNode declared = feature.get("shape");
    if (declared == null || !declared.isArray() || declared.size() != shape.length) {
      throw fail(path + ".shape must be " + Arrays.toString(shape));
    }
    for (int i = 0; i < shape.length; i++) {
      if (declared.get(i).asLong() != shape[i]) {
        throw fail(path + ".shape is " + declared + ", the sequence geometry needs "
            + Arrays.toString(shape));
      }
    }
    return listedFile(text(feature, "file", path + ".file"), path + ".file", files);
  }

  private TokenizerSpec tokenizer(JsonNode t, SequenceConfig s, Map<String, FileEntry> files) {
    String type = text(t, "type", "tokenizer.type");
    if (!type.equals("clip-bpe")) {
      throw fail("tokenizer.type '" + type + "' is not clip-bpe");
    }
    String clean = text(t, "clean", "tokenizer.clean");
    if (!clean.equals("lower")) {
      throw fail("tokenizer.clean '" + clean + "' is not supported (only 'lower')");
    }
    TokenizerSpec spec = new TokenizerSpec(
        listedFile(text(t, "file", "tokenizer.file"), "tokenizer.file", files),
        positive(t, "context_length", "tokenizer.context_length"),
        positive(t, "vocab_size", "tokenizer.vocab_size"),
        positive(t, "merges", "tokenizer.merges"),
        integer(t, "start_token", "tokenizer.start_token"),
        integer(t, "end_token", "tokenizer.end_token"),
        integer(t, "pad_token", "tokenizer.pad_token"));
    if (spec.contextLength() != s.textLen()) {
      throw fail("tokenizer.context_length " + spec.contextLength() + " differs from "
          + "sequence.text_len " + s.textLen());
    }
    if (spec.vocabSize() != BYTE_SYMBOLS + spec.merges() + 2) {
      throw fail("tokenizer.vocab_size " + spec.vocabSize() + " is not 512 byte symbols + "
          + spec.merges() + " merges + 2 special tokens");
    }
    if (spec.startToken() != spec.vocabSize() - 2 || spec.endToken() != spec.vocabSize() - 1) {
      throw fail("tokenizer start/end tokens " + spec.startToken() + "/" + spec.endToken()
          + " are not the last two ids of a " + spec.vocabSize() + "-id vocabulary");
    }
    if (spec.padToken() != 0) {
      throw fail("tokenizer.pad_token " + spec.padToken() + " is not 0 (CLIP pads with 0)");
    }
    return spec;
  }

  private String listedFile(String name, String path, Map<String, FileEntry> files) {
    if (!files.containsKey(name)) {
      throw fail(path + " names '" + name + "', which the files list does not cover");
    }
    return name;
  }

  private JsonNode object(JsonNode node, String field) {
    return object(node, field, field);
  }

  private JsonNode object(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    if (value == null || !value.isObject()) {
      throw fail(path + " is missing or not an object");
    }
    return value;
  }

  private String text(JsonNode node, String field) {
    return text(node, field, field);
  }

  private String text(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw fail(path + " is missing or not a string");
    }
    return value.asText();
  }

  private int integer(JsonNode node, String field) {
    return integer(node, field, field);
  }

  private int integer(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    if (value == null || !value.isIntegralNumber() || !value.canConvertToInt()) {
      throw fail(path + " is missing or not an integer");
    }
    return value.asInt();
  }

  private int positive(JsonNode node, String field) {
    return positive(node, field, field);
  }

  private int positive(JsonNode node, String field, String path) {
    int value = integer(node, field, path);
    if (value <= 0) {
      throw fail(path + " must be positive, is " + value);
    }
    return value;
  }

  private double number(JsonNode node, String field) {
    return number(node, field, field);
  }

  private double number(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    if (value == null || !value.isNumber()) {
      throw fail(path + " is missing or not a number");
    }
    return value.asDouble();
  }

  private ModelSetException fail(String message) {
    return new ModelSetException(source + ": " + message);
  }
}
