package io.signalhub.indexing.core.economy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalhub.indexing.core.provider.EmbeddingException;
import java.io.IOException;
import java.util.List;

/** What the batch APIs' result files have in common: JSON Lines holding vectors or failures. */
final class BatchResultLines {

  private static final ObjectMapper JSON = new ObjectMapper();

  private BatchResultLines() {}

  /** Every line of a JSON Lines file (blank lines hold nothing). */
  static List<JsonNode> read(byte[] content) {
    try (MappingIterator<JsonNode> lines = JSON.readerFor(JsonNode.class).readValues(content)) {
      return lines.readAll();
    } catch (IOException e) {
      throw EmbeddingException.retryable("a batch result file is not JSON Lines", e);
    }
  }

  static float[] vector(JsonNode array) {
    float[] vector = new float[array.size()];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = (float) array.get(i).asDouble();
    }
    return vector;
  }

  /** A request the provider did not serve, with its status code (0 if none) and reason. */
  static ProviderBatchApi.Result failed(String customId, int status, String reason) {
    return new ProviderBatchApi.Result(
        customId, null, 0, status > 0 ? status + ": " + reason : reason);
  }
}
