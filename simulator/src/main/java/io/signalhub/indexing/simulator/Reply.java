package io.signalhub.indexing.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One answer of the simulator: a status, a JSON (or JSONL) body and extra headers. The endpoints
 * compute it; {@link SimulatedEmbeddingServer} counts and sends it, so no endpoint touches HTTP.
 */
record Reply(int status, byte[] body, Map<String, String> headers) {

  static Reply json(int status, JsonNode node) {
    return json(status, node, Map.of());
  }

  static Reply json(int status, JsonNode node, Map<String, String> headers) {
    return new Reply(status, node.toString().getBytes(StandardCharsets.UTF_8), headers);
  }

  /**
   * OpenAI's error body, {@code {"error": {"message", "type", "code"}}}; a null code is sent as
   * JSON null, as the files and batches endpoints do.
   */
  static Reply error(
      int status, String message, String type, String code, Map<String, String> headers) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.putObject("error").put("message", message).put("type", type).put("code", code);
    return json(status, body, headers);
  }

  /** What the server's error count holds: refusals and failures, not rate-limit answers. */
  boolean countsAsError() {
    return status >= 400 && status != 429;
  }

  /** Counts it in {@code stats} if it is an error, and answers the exchange with it. */
  void send(HttpExchange exchange, SimulatorStats stats) throws IOException {
    if (countsAsError()) {
      stats.errors.incrementAndGet();
    }
    headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
