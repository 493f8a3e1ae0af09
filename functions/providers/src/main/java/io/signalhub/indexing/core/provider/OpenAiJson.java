package io.signalhub.indexing.core.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.signalhub.indexing.core.token.Cl100kTokenCounter;
import java.io.IOException;
import java.net.http.HttpHeaders;
import java.util.Arrays;
import java.util.List;

/**
 * The JSON of OpenAI's embeddings API: the request body, and the vectors, usage and quota of an
 * answer (platform.openai.com/docs/api-reference/embeddings).
 */
final class OpenAiJson {
  static final ObjectMapper JSON = new ObjectMapper();

  private OpenAiJson() {}

  /**
   * The body of a {@code POST /embeddings}.
   *
   * @param model null to leave the model out (an Azure deployment names it)
   * @param dimensions 0 to leave the vector length to the model
   */
  static byte[] requestBody(String model, List<String> inputs, int dimensions) {
    ObjectNode body = JSON.createObjectNode();
    if (model != null) {
      body.put("model", model);
    }
    body.put("encoding_format", "float");
    var array = body.putArray("input");
    // OpenAI answers a quoted special token with a 500; it is counted as sent (Cl100kTokenCounter).
    inputs.forEach(input -> array.add(Cl100kTokenCounter.withoutSpecialTokens(input)));
    if (dimensions > 0) {
      body.put("dimensions", dimensions);
    }
    return writeJson(body);
  }

  /** The vectors of a 200 answer, matched to the inputs by {@code data[].index}. */
  static EmbeddingResponse parse(byte[] body, HttpHeaders headers, int inputCount) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw EmbeddingException.retryable("Provider answered 200 with a body that is not JSON", e);
    }
    float[][] vectors = new float[inputCount][];
    for (JsonNode item : root.path("data")) {
      int index = item.path("index").asInt(-1);
      if (index < 0 || index >= inputCount || vectors[index] != null) {
        throw EmbeddingException.retryable(
            "Provider returned a missing, out-of-range or repeated index " + index, null);
      }
      JsonNode embedding = item.path("embedding");
      float[] vector = new float[embedding.size()];
      for (int i = 0; i < vector.length; i++) {
        vector[i] = (float) embedding.get(i).asDouble();
      }
      vectors[index] = vector;
    }
    for (int i = 0; i < inputCount; i++) {
      if (vectors[i] == null) {
        throw EmbeddingException.retryable("Provider returned no vector for input " + i, null);
      }
    }
    JsonNode usage = root.path("usage");
    long tokens = usage.path("total_tokens").asLong(usage.path("prompt_tokens").asLong(0));
    return new EmbeddingResponse(
        Arrays.asList(vectors), tokens, RateLimitHeaders.quota(headers::firstValue));
  }

  private static byte[] writeJson(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot serialize a JSON tree", e);
    }
  }
}
