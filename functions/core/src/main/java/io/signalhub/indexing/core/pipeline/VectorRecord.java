package io.signalhub.indexing.core.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.signalhub.indexing.core.chunk.Chunk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * One line of {@code vectors/<job>/<seq>.jsonl}: a chunk's vector with what any vector store needs
 * to load and cite it (docs/vectors.md).
 */
public record VectorRecord(Chunk chunk, String model, float[] vector) {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** How {@code vector} is written ({@code signal-hub.vector-encoding}). */
  public enum Encoding {
    /** An array of JSON numbers: what any loader reads. */
    JSON,
    /**
     * A base64 string of little-endian IEEE-754 float32 values: exact, about a third of the bytes,
     * and no float formatting or parsing.
     */
    BASE64;

    /** Parses {@code json} or {@code base64}, any case. */
    public static Encoding parse(String value) {
      try {
        return valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "signal-hub.vector-encoding must be json or base64, not '" + value + "'", e);
      }
    }
  }

  public String toJsonLine() {
    return toJsonLine(Encoding.JSON);
  }

  public String toJsonLine(Encoding encoding) {
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
    if (encoding == Encoding.BASE64) {
      ByteBuffer bytes = ByteBuffer.allocate(vector.length * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (float value : vector) {
        bytes.putFloat(value);
      }
      node.put("vector", Base64.getEncoder().encodeToString(bytes.array()));
    } else {
      ArrayNode values = node.putArray("vector");
      for (float value : vector) {
        values.add(value);
      }
    }
    try {
      return JSON.writeValueAsString(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads a line in either encoding: {@code vector} an array of numbers or a base64 string. */
  public static VectorRecord parse(String line) {
    try {
      JsonNode node = JSON.readTree(line);
      JsonNode values = node.path("vector");
      float[] vector;
      if (values.isTextual()) {
        ByteBuffer bytes =
            ByteBuffer.wrap(Base64.getDecoder().decode(values.asText()))
                .order(ByteOrder.LITTLE_ENDIAN);
        vector = new float[bytes.remaining() / 4];
        for (int i = 0; i < vector.length; i++) {
          vector[i] = bytes.getFloat();
        }
      } else {
        vector = new float[values.size()];
        for (int i = 0; i < vector.length; i++) {
          vector[i] = (float) values.get(i).asDouble();
        }
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
