package io.signalhub.indexing.core.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.signalhub.indexing.core.chunk.Chunk;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One line of {@code vectors/<job>/<seq>.jsonl}: a chunk's vector with what any vector store needs
 * to load and cite it (docs/vectors.md).
 */
public record VectorRecord(Chunk chunk, String model, float[] vector) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public String toJsonLine() {
    ObjectNode node =
        JSON.createObjectNode()
            .put("path", chunk.path())
            .put("startLine", chunk.startLine())
            .put("endLine", chunk.endLine())
            .put("language", chunk.language())
            .put("contentHash", chunk.contentHash())
            .put("model", model)
            .put("dimensions", vector.length)
            .put("text", chunk.text());
    ArrayNode values = node.putArray("vector");
    for (float value : vector) {
      values.add(value);
    }
    try {
      return JSON.writeValueAsString(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static VectorRecord parse(String line) {
    try {
      JsonNode node = JSON.readTree(line);
      JsonNode values = node.path("vector");
      float[] vector = new float[values.size()];
      for (int i = 0; i < vector.length; i++) {
        vector[i] = (float) values.get(i).asDouble();
      }
      Chunk chunk =
          new Chunk(
              node.path("path").asText(),
              node.path("startLine").asInt(),
              node.path("endLine").asInt(),
              node.path("language").asText(),
              node.path("text").asText(),
              -1,
              node.path("contentHash").asText());
      return new VectorRecord(chunk, node.path("model").asText(), vector);
    } catch (IOException e) {
      throw new IllegalArgumentException("Not a vector record", e);
    }
  }
}
