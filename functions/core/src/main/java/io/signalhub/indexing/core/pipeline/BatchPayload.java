package io.signalhub.indexing.core.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.signalhub.indexing.core.chunk.Chunk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** The chunks of one batch, as stored under {@code batches/<job>/<seq>.json}. */
public final class BatchPayload {

  private static final ObjectMapper JSON = new ObjectMapper();

  private BatchPayload() {}

  public static byte[] write(List<Chunk> chunks) {
    ObjectNode root = JSON.createObjectNode().put("version", 1);
    ArrayNode array = root.putArray("chunks");
    for (Chunk chunk : chunks) {
      array
          .addObject()
          .put("path", chunk.path())
          .put("startLine", chunk.startLine())
          .put("endLine", chunk.endLine())
          .put("language", chunk.language())
          .put("tokens", chunk.tokens())
          .put("contentHash", chunk.contentHash())
          .put("text", chunk.text());
    }
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static List<Chunk> read(byte[] bytes) {
    try {
      List<Chunk> chunks = new ArrayList<>();
      for (JsonNode node : JSON.readTree(bytes).path("chunks")) {
        chunks.add(
            new Chunk(
                node.path("path").asText(),
                node.path("startLine").asInt(),
                node.path("endLine").asInt(),
                node.path("language").asText(),
                node.path("text").asText(),
                node.path("tokens").asInt(-1),
                node.path("contentHash").asText()));
      }
      return chunks;
    } catch (IOException e) {
      throw new IllegalArgumentException("Batch payload is not valid JSON", e);
    }
  }
}
