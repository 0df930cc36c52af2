package io.foleystream.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ManifestReaderTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private ObjectNode manifest;

  @BeforeEach
  void readExample() throws IOException {
    try (InputStream in = getClass().getResourceAsStream("valid-manifest.json")) {
      manifest = (ObjectNode) JSON.readTree(in);
    }
  }

  private ModelSetManifest parse() {
    return ManifestReader.parse(manifest.toString(), "set/manifest.json");
  }

  private void assertRejected(Consumer<ObjectNode> change, String... fragments) {
    change.accept(manifest);
    ModelSetException e = assertThrows(ModelSetException.class, this::parse);
    assertTrue(e.getMessage().startsWith("set/manifest.json: "), e.getMessage());
    for (String fragment : fragments) {
      assertTrue(e.getMessage().contains(fragment), "'" + fragment + "' not in: "
          + e.getMessage());
    }
  }

  private ObjectNode model(String name) {
    return (ObjectNode) manifest.get("models").get(name);
  }

  private ObjectNode tensor(String model, String list, String name) {
    for (var t : model(model).get(list)) {
      if (t.get("name").asText().equals(name)) {
        return (ObjectNode) t;
      }
    }
    throw new AssertionError(name);
  }

  @Test
  void readsAValidManifest() {
    ModelSetManifest m = parse();
    assertEquals("contract-example", m.variant());
    assertEquals(16000, m.sampleRate());
    assertEquals(250, m.sequence().latentLen());
    assertEquals(24, m.sequence().syncSegments());
    assertEquals(512, m.sequence().samplesPerLatentFrame());
    assertEquals(25, m.sampler().steps());
    assertEquals(4.5, m.sampler().cfgStrength());
    assertEquals(7, m.models().size());
    assertEquals(256, m.sequence().samplesPerMelFrame());
    assertEquals(500, m.sequence().melFrames());
    assertEquals(80, m.sequence().melBins());
    assertEquals(11, m.sequence().vocoderContextFrames());
    assertEquals("velocity.onnx", m.models().get(ModelGraph.VELOCITY).file());
    assertEquals(7, m.models().get(ModelGraph.VELOCITY).inputs().size());
    assertEquals(1000, m.tokenizer().merges());
    assertEquals("random-init", m.weights());
  }

  @Test
  void rejectsInvalidJson() {
    ModelSetException e = assertThrows(ModelSetException.class,
        () -> ManifestReader.parse("{\"format\": ", "m.json"));
    assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
  }

  @Test
  void rejectsAnotherFormatOrVersion() {
    assertRejected(m -> m.put("format", "something-else"), "format is 'something-else'");
    readExampleQuietly();
    assertRejected(m -> m.put("format_version", 1), "format_version 1 is not supported");
  }

  @Test
  void rejectsMissingAndMistypedFields() {
    assertRejected(m -> ((ObjectNode) m.get("sequence")).remove("latent_len"),
        "sequence.latent_len is missing");
    readExampleQuietly();
    assertRejected(m -> ((ObjectNode) m.get("sequence")).put("clip_dim", "wide"),
        "sequence.clip_dim is missing or not an integer");
    readExampleQuietly();
    assertRejected(m -> m.put("precision", "int8"), "precision 'int8'");
    readExampleQuietly();
    assertRejected(m -> ((ObjectNode) m.get("provenance")).remove("weights"),
        "provenance.weights");
  }

  @Test
  void rejectsInconsistentGeometry() {
    assertRejected(m -> ((ObjectNode) m.get("sequence")).put("sync_len", 190),
        "sequence.sync_len 190 does not match 24 segments");
  }

  @Test
  void rejectsSamplesThatAreNotWholeMelFrames() {
    assertRejected(m -> ((ObjectNode) m.get("sequence")).put("samples", 128001),
        "sequence.samples 128001 is not a whole number of samples per mel frame");
    readExampleQuietly();
    assertRejected(m -> ((ObjectNode) m.get("sequence")).put("samples", 128250),
        "sequence.samples 128250 is not a whole number of samples per mel frame (500 mel frames");
  }

  @Test
  void rejectsAMissingOrUnknownGraph() {
    assertRejected(m -> ((ObjectNode) m.get("models")).remove("vocoder"),
        "models.vocoder is missing");
    readExampleQuietly();
    assertRejected(m -> ((ObjectNode) m.get("models")).set("extra", JSON.createObjectNode()),
        "models.extra is not a graph this engine knows");
  }

  @Test
  void rejectsWrongInputNamesDtypesAndShapes() {
    assertRejected(m -> tensor("velocity", "inputs", "x").put("name", "latent"),
        "models.velocity.inputs lacks 'x'");
    readExampleQuietly();
    assertRejected(m -> tensor("clip_text", "inputs", "tokens").put("dtype", "int32"),
        "models.clip_text.inputs.tokens is declared as tokens int32", "needs tokens int64");
    readExampleQuietly();
    assertRejected(m -> ((ArrayNode) tensor("velocity", "outputs", "flow").get("shape"))
        .set(2, 5), "models.velocity.outputs.flow", "[\"B\", \"latent_len\", 5]",
        "[\"B\", \"latent_len\", 4]");
    readExampleQuietly();
    assertRejected(m -> ((ArrayNode) tensor("vae_decoder", "inputs", "latent").get("shape"))
        .set(1, 250), "models.vae_decoder.inputs.latent", "[\"B\", 250, 4]",
        "[\"B\", \"latent_len\", 4]");
    readExampleQuietly();
    assertRejected(m -> ((ArrayNode) model("conditions").get("inputs")).remove(3),
        "models.conditions.inputs lacks 'latent_len'");
    readExampleQuietly();
    assertRejected(m -> ((ArrayNode) tensor("vae_decoder", "inputs", "latent").get("shape"))
        .set(0, 1), "models.vae_decoder.inputs.latent");
    readExampleQuietly();
    assertRejected(m -> ((ArrayNode) tensor("vocoder", "inputs", "mel").get("shape"))
        .set(1, 128), "models.vocoder.inputs.mel", "[\"B\", 128, \"mel_len\"]",
        "[\"B\", 80, \"mel_len\"]");
    readExampleQuietly();
    assertRejected(m -> ((ArrayNode) model("velocity").get("inputs"))
        .add(JSON.createObjectNode().put("name", "mask").put("dtype", "float32")
            .set("shape", JSON.createArrayNode().add("B"))),
        "declares 'mask', which the engine does not use");
  }

  @Test
  void rejectsAFp16SetThatDeclaresFloat16Inputs() {
    manifest.put("precision", "fp16");
    assertEquals("fp16", parse().precision());
    assertRejected(m -> tensor("velocity", "inputs", "x").put("dtype", "float16"),
        "declared as x float16", "needs x float32");
  }

  @Test
  void rejectsInconsistentTokenizers() {
    assertRejected(m -> ((ObjectNode) m.get("tokenizer")).put("vocab_size", 49408),
        "tokenizer.vocab_size 49408 is not 512 byte symbols + 1000 merges");
    readExampleQuietly();
    assertRejected(m -> ((ObjectNode) m.get("tokenizer")).put("start_token", 49406),
        "start/end tokens 49406/1513");
    readExampleQuietly();
    assertRejected(m -> ((ObjectNode) m.get("tokenizer")).put("context_length", 64),
        "tokenizer.context_length 64 differs from sequence.text_len 77");
  }

  @Test
  void rejectsFilesThatAreNotListedOrNotInTheSet() {
    assertRejected(m -> ((ObjectNode) m.get("files")).remove("velocity.onnx"),
        "models.velocity.file names 'velocity.onnx', which the files list does not cover");
    readExampleQuietly();
    assertRejected(m -> ((ObjectNode) m.get("files")).set("../etc/passwd",
        ((ObjectNode) m.get("files")).get("velocity.onnx")), "'../etc/passwd'");
    readExampleQuietly();
    assertRejected(m -> ((ObjectNode) m.get("files").get("vocoder.onnx")).put("sha256", "abc"),
        "files.vocoder.onnx.sha256 is not 64 lower-case hex digits");
  }

  @Test
  void rejectsEmptyFeaturesOfTheWrongShape() {
    assertRejected(m -> ((ArrayNode) m.get("empty_features").get("text").get("shape"))
        .set(0, 76), "empty_features.text.shape is [76,16]", "[77, 16]");
  }

  private void readExampleQuietly() {
    try {
      readExample();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
