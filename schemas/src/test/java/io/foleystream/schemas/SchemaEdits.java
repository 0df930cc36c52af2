package io.foleystream.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;
import org.apache.avro.Schema;

/** Derives older or newer variants of a record schema by editing its top-level fields. */
public final class SchemaEdits {

  private static final ObjectMapper JSON = new ObjectMapper();

  private SchemaEdits() {
  }

  /** The schema without the named top-level fields: what an older version looked like. */
  public static Schema withoutFields(Schema schema, String... names) {
    ObjectNode root = tree(schema);
    ArrayNode kept = JSON.createArrayNode();
    Set<String> removed = Set.of(names);
    root.withArray("fields").forEach(field -> {
      if (!removed.contains(field.get("name").asText())) {
        kept.add(field);
      }
    });
    root.set("fields", kept);
    return parse(root);
  }

  /** The schema with one more top-level field, given as JSON. */
  public static Schema withField(Schema schema, String fieldJson) {
    ObjectNode root = tree(schema);
    root.withArray("fields").add(read(fieldJson));
    return parse(root);
  }

  /** The schema with the named top-level field's type replaced, given as JSON. */
  public static Schema withFieldType(Schema schema, String name, String typeJson) {
    ObjectNode root = tree(schema);
    root.withArray("fields").forEach(field -> {
      if (field.get("name").asText().equals(name)) {
        ((ObjectNode) field).set("type", read(typeJson));
        ((ObjectNode) field).remove("default");
      }
    });
    return parse(root);
  }

  private static ObjectNode tree(Schema schema) {
    return (ObjectNode) read(schema.toString());
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Schema parse(JsonNode root) {
    return new Schema.Parser().parse(root.toString());
  }
}
