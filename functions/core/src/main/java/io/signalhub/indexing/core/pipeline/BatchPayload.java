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

/**
 * The chunks of one batch, as stored under {@code batches/<job>/<seq>.json}. A chunk whose text an
 * earlier batch of the same fan-out already carries is a <em>twin</em>: it names that batch ({@code
 * "twinOf"}), so the embedder waits for its vector instead of paying for the text twice.
 */
public final class BatchPayload {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** No earlier batch carries the chunk's text. */
  public static final long NOT_A_TWIN = -1;

  private BatchPayload() {}

  /** A chunk of the batch, and the earlier batch that embeds its text ({@link #NOT_A_TWIN}). */
  public record Item(Chunk chunk, long twinOf) {
    public static Item of(Chunk chunk) {
      return new Item(chunk, NOT_A_TWIN);
    }

    public boolean isTwin() {
      return twinOf != NOT_A_TWIN;
    }
  }

  public static byte[] write(List<Item> items) {
    ObjectNode root = JSON.createObjectNode().put("version", 1);
    ArrayNode array = root.putArray("chunks");
    for (Item item : items) {
      Chunk chunk = item.chunk();
      ObjectNode node =
          array
              .addObject()
              .put("path", chunk.path())
              .put("startLine", chunk.startLine())
              .put("endLine", chunk.endLine())
              .put("language", chunk.language())
              .put("tokens", chunk.tokens())
              .put("contentHash", chunk.contentHash())
              .put("text", chunk.text());
      if (item.isTwin()) {
        node.put("twinOf", item.twinOf());
      }
    }
    try {
      return JSON.writeValueAsBytes(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static List<Item> read(byte[] bytes) {
    try {
      List<Item> items = new ArrayList<>();
      for (JsonNode node : JSON.readTree(bytes).path("chunks")) {
        Chunk chunk =
            new Chunk(
                node.path("path").asText(),
                node.path("startLine").asInt(),
                node.path("endLine").asInt(),
                node.path("language").asText(),
                node.path("text").asText(),
                node.path("tokens").asInt(-1),
                node.path("contentHash").asText());
        items.add(new Item(chunk, node.path("twinOf").asLong(NOT_A_TWIN)));
      }
      return items;
    } catch (IOException e) {
      throw new IllegalArgumentException("Batch payload is not valid JSON", e);
    }
  }
}
