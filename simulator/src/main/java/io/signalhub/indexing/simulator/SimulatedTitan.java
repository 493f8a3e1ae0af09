package io.signalhub.indexing.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.Set;

/**
 * Titan Text Embeddings V2's request body and answer, shared by {@code InvokeModel} and batch
 * inference records: {@code {inputText, dimensions, normalize}} in, {@code {embedding,
 * inputTextTokenCount}} out, with the simulator's deterministic unit vectors (equal texts, equal
 * vectors, whichever way they were bought). Titan's tokenizer is not published: tokens are counted
 * with cl100k.
 */
final class SimulatedTitan {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Encoding CL100K =
      Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
  private static final Set<Integer> DIMENSIONS = Set.of(256, 512, 1024);

  private SimulatedTitan() {}

  /** A body and its tokens, or why the input was refused (Bedrock's 400 message). */
  record Answer(ObjectNode body, int tokens, String error) {}

  static Answer answer(JsonNode modelInput, SimulatorSettings settings) {
    JsonNode text = modelInput.path("inputText");
    int dimensions = modelInput.path("dimensions").asInt(1024);
    if (!text.isTextual() || text.asText().isEmpty()) {
      return refused("Malformed input request: #: required key [inputText] not found");
    }
    if (!DIMENSIONS.contains(dimensions)) {
      return refused("Malformed input request: #/dimensions: " + dimensions + " is not allowed");
    }
    if (settings.rejectInput().test(text.asText())) {
      return refused("Malformed input request: the provider rejected this input");
    }
    int tokens = CL100K.countTokens(text.asText());
    if (tokens > settings.maxTokensPerInput()) {
      return refused(
          "Too many input tokens. Max input tokens: "
              + settings.maxTokensPerInput()
              + ", request input token count: "
              + tokens);
    }
    ObjectNode body = JSON.createObjectNode();
    ArrayNode embedding = body.putArray("embedding");
    for (float value : SimulatedEmbeddingServer.vectorFor(text.asText(), dimensions)) {
      embedding.add(value);
    }
    body.put("inputTextTokenCount", tokens);
    return new Answer(body, tokens, null);
  }

  private static Answer refused(String message) {
    return new Answer(null, 0, message);
  }
}
