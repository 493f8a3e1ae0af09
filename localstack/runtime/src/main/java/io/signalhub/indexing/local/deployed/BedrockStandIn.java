package io.signalhub.indexing.local.deployed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.signalhub.indexing.simulator.SimulatedEmbeddingServer;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Bedrock's {@code InvokeModel} for Titan text embeddings ({@code POST /model/{id}/invoke} with
 * {@code inputText}, {@code dimensions}, {@code normalize}; answers {@code embedding} and {@code
 * inputTextTokenCount}), with the simulator's deterministic unit vectors: equal texts, equal
 * vectors.
 */
final class BedrockStandIn extends LocalHttpService {

  private static final Pattern INVOKE = Pattern.compile("/model/([^/]+)/invoke");

  private final AtomicLong invocations = new AtomicLong();

  BedrockStandIn() throws IOException {
    super();
  }

  /** How many InvokeModel calls it answered. */
  long invocations() {
    return invocations.get();
  }

  @Override
  void handle(HttpExchange exchange, byte[] body) throws IOException {
    Matcher matcher = INVOKE.matcher(exchange.getRequestURI().getPath());
    if (!exchange.getRequestMethod().equals("POST") || !matcher.matches()) {
      respond(exchange, 404, "application/json", "{\"message\":\"Unknown operation\"}".getBytes());
      return;
    }
    JsonNode request = JSON.readTree(body);
    String text = request.path("inputText").asText(null);
    if (text == null || text.isEmpty()) {
      respond(
          exchange,
          400,
          "application/json",
          "{\"message\":\"Malformed input request: inputText is required\"}".getBytes());
      return;
    }
    int dimensions = request.path("dimensions").asInt(1024);
    ObjectNode response = JSON.createObjectNode();
    ArrayNode embedding = response.putArray("embedding");
    for (float value : SimulatedEmbeddingServer.vectorFor(text, dimensions)) {
      embedding.add(value);
    }
    response.put("inputTextTokenCount", Math.max(1, text.split("\\s+").length));
    invocations.incrementAndGet();
    respond(exchange, 200, "application/json", JSON.writeValueAsBytes(response));
  }
}
