package io.foleystream.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

/**
 * The graph contract as the engine reads it: the file the exporter builds its graphs from, the
 * graphs the engine knows, and the committed tiny set, which must declare exactly the contract.
 */
class GraphContractTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** The contract where the exporter keeps it, relative to the stream-app module. */
  private static final Path SOURCE = Path.of("../onnx-models/foleystream_export/contract.json");

  private static JsonNode resource() throws IOException {
    try (InputStream in = GraphContract.class.getResourceAsStream(GraphContract.RESOURCE)) {
      return JSON.readTree(in);
    }
  }

  @Test
  void theBuildCarriesTheExportersContract() throws IOException {
    assertEquals(JSON.readTree(Files.readString(SOURCE)), resource());
  }

  @Test
  void declaresEveryGraphTheEngineRunsInSetOrder() {
    assertEquals(Arrays.stream(ModelGraph.values()).map(ModelGraph::key).toList(),
        List.copyOf(GraphContract.get().graphs().keySet()));
  }

  @Test
  void theTinySetDeclaresExactlyTheContract() throws IOException {
    JsonNode manifest = JSON.readTree(Files.readString(TinyModelSet.DIRECTORY
        .resolve(ModelSet.MANIFEST)));
    ModelSetManifest parsed = ManifestReader.parse(manifest.toString(), "tiny");
    ToIntFunction<String> sequence = field -> manifest.get("sequence").get(field).asInt();
    for (ModelGraph graph : ModelGraph.values()) {
      ModelSetManifest.ModelSpec spec = parsed.models().get(graph);
      // Exact equality: the axis symbols too, which the reader lets any symbol match.
      assertEquals(graph.inputs(sequence), spec.inputs(), graph + " inputs");
      assertEquals(graph.outputs(sequence), spec.outputs(), graph + " outputs");
    }
  }

  @Test
  void velocityTakesTheConditionsOutputsByTheirNames() {
    // OnnxFlowEvaluator passes the conditions graph's output tensors on to the velocity graph
    // under their own names.
    List<GraphContract.Tensor> velocity = GraphContract.get().graph("velocity").inputs();
    List<GraphContract.Tensor> conditions = GraphContract.get().graph("conditions").outputs();
    assertEquals(conditions, velocity.subList(velocity.size() - conditions.size(),
        velocity.size()));
    assertEquals(ModelGraph.CONDITIONS.outputNames(), ConditionEncoder.NAMES);
  }

  @Test
  void namesAndLabelsComeFromTheContract() {
    GraphContract.Graph vocoder = GraphContract.get().graph("vocoder");
    assertEquals(vocoder.inputs().get(0).name(), ModelGraph.VOCODER.inputName(0));
    assertEquals("vocoder." + vocoder.outputs().get(0).name(),
        ModelGraph.VOCODER.outputLabel(0));
  }

  @Test
  void rejectsAShapeEntryThatIsNeitherAxisNorReferenceNorSize() throws IOException {
    ObjectNode root = (ObjectNode) resource();
    ObjectNode flow = (ObjectNode) root.get("graphs").get("velocity").get("outputs").get(0);
    ((ArrayNode) flow.get("shape")).set(1, "latent_length");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> GraphContract.parse(root));
    assertTrue(e.getMessage().contains("velocity." + flow.get("name").asText()
        + " has the shape entry \"latent_length\""), e.getMessage());

    ((ArrayNode) flow.get("shape")).set(1, 0);
    assertThrows(IllegalStateException.class, () -> GraphContract.parse(root));
  }

  @Test
  void rejectsAnotherFormat() throws IOException {
    ObjectNode root = (ObjectNode) resource();
    root.put("format", "something-else");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> GraphContract.parse(root));
    assertTrue(e.getMessage().contains("not a " + GraphContract.FORMAT), e.getMessage());
  }

  @Test
  void resolvesSequenceReferencesAgainstTheManifestsBlock() throws IOException {
    JsonNode manifest = JSON.readTree(Files.readString(TinyModelSet.DIRECTORY
        .resolve(ModelSet.MANIFEST)));
    GraphContract.Tensor frames = GraphContract.get().graph("clip_image").inputs().get(0);
    TensorSpec resolved = frames.resolve(field -> manifest.get("sequence").get(field).asInt());
    for (int i = 0; i < frames.shape().size(); i++) {
      Object dim = frames.shape().get(i);
      TensorSpec.Dimension actual = resolved.shape().get(i);
      if (dim instanceof String s && s.startsWith("sequence.")) {
        assertEquals(manifest.get("sequence").get(s.substring("sequence.".length())).asLong(),
            actual.size());
      } else if (dim instanceof Long size) {
        assertEquals(size, actual.size());
      } else {
        assertEquals(dim, actual.symbol());
      }
    }
  }
}
