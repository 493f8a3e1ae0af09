package io.signalhub.indexing.core.provider;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.AccessDeniedException;
import software.amazon.awssdk.services.bedrockruntime.model.BedrockRuntimeException;
import software.amazon.awssdk.services.bedrockruntime.model.InvokeModelResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ResourceNotFoundException;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

/**
 * Amazon Bedrock embeddings through the AWS SDK v2: Titan Text Embeddings V2 (one input per call)
 * and Cohere Embed v3 (up to 96 texts per call). Access is by IAM, no key. Token counts come from
 * the response (Titan) or Bedrock's {@code X-Amzn-Bedrock-Input-Token-Count} header (Cohere).
 * Tokenizers are not published, so chunks are sized with cl100k, and limits carry a margin.
 */
public final class BedrockEmbeddingProvider extends HostedEmbeddingProvider {

  public static final String TITAN_V2 = BedrockModels.TITAN_V2;
  public static final String COHERE_ENGLISH_V3 = BedrockModels.COHERE_ENGLISH_V3;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final BedrockRuntimeClient client;
  private final boolean cohere;

  /**
   * @param dimensions Titan V2: 256, 512 or 1024 (0 means 1024); Cohere v3 is always 1024
   */
  public BedrockEmbeddingProvider(BedrockRuntimeClient client, String model, int dimensions) {
    super(
        model,
        BedrockModels.dimensions(model, dimensions),
        BedrockModels.limits(BedrockModels.isCohere(model)));
    this.client = client;
    this.cohere = BedrockModels.isCohere(model);
  }

  @Override
  public EmbeddingResponse embed(List<String> inputs) {
    if (!cohere && inputs.size() != 1) {
      throw new IllegalArgumentException(
          "Titan embeds one input per request, got " + inputs.size());
    }
    InvokeModelResponse response;
    try {
      response =
          client.invokeModel(
              request ->
                  request
                      .modelId(model())
                      .contentType("application/json")
                      .accept("application/json")
                      .body(SdkBytes.fromByteArray(body(inputs))));
    } catch (BedrockRuntimeException e) {
      throw classify(e);
    } catch (SdkClientException e) {
      throw EmbeddingException.retryable("Bedrock request failed: " + e.getMessage(), e);
    }
    return parse(response, inputs.size());
  }

  private byte[] body(List<String> inputs) {
    ObjectNode body = JSON.createObjectNode();
    if (cohere) {
      var texts = body.putArray("texts");
      inputs.forEach(texts::add);
      body.put("input_type", "search_document").put("truncate", "NONE");
    } else {
      body.put("inputText", inputs.get(0)).put("dimensions", dimensions()).put("normalize", true);
    }
    try {
      return JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot serialize a JSON tree", e);
    }
  }

  private EmbeddingResponse parse(InvokeModelResponse response, int inputCount) {
    JsonNode root;
    try {
      root = JSON.readTree(response.body().asByteArray());
    } catch (IOException e) {
      throw EmbeddingException.retryable("Bedrock answered with a body that is not JSON", e);
    }
    List<float[]> vectors = new ArrayList<>();
    if (cohere) {
      // Cohere returns embeddings in the order of the texts sent (docs.cohere.com/reference/embed)
      root.path("embeddings").forEach(node -> vectors.add(toVector(node)));
    } else {
      vectors.add(toVector(root.path("embedding")));
    }
    if (vectors.size() != inputCount) {
      throw EmbeddingException.retryable(
          "Bedrock returned %d embeddings for %d inputs".formatted(vectors.size(), inputCount),
          null);
    }
    long tokens =
        cohere
            ? response
                .sdkHttpResponse()
                .firstMatchingHeader("X-Amzn-Bedrock-Input-Token-Count")
                .map(Long::parseLong)
                .orElse(0L)
            : root.path("inputTextTokenCount").asLong(0);
    return new EmbeddingResponse(vectors, tokens, QuotaSnapshot.UNKNOWN);
  }

  private static float[] toVector(JsonNode array) {
    float[] vector = new float[array.size()];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = (float) array.get(i).asDouble();
    }
    return vector;
  }

  /** What Bedrock's error means for the caller, with what to fix where a person must act. */
  private EmbeddingException classify(BedrockRuntimeException e) {
    int status = e.statusCode();
    String message =
        e.awsErrorDetails() != null ? e.awsErrorDetails().errorMessage() : e.getMessage();
    EmbeddingException.Kind kind = EmbeddingException.Kind.FATAL;
    String text = "Bedrock answered " + status + ": " + message;
    if (e instanceof AccessDeniedException || status == 403) {
      text =
          "Bedrock denied access to %s: %s. Grant bedrock:InvokeModel on it and enable the model"
              + " in the Bedrock console";
      text = text.formatted(model(), message);
    } else if (e instanceof ResourceNotFoundException || status == 404) {
      text =
          "Bedrock does not know model '%s' in this region: %s. Check SIGNAL_HUB_EMBEDDING_MODEL"
              + " and AWS_REGION";
      text = text.formatted(model(), message);
    } else if (e instanceof ValidationException || status == 400) {
      kind = EmbeddingException.Kind.INPUT_REJECTED;
      text = "Bedrock rejected the input: " + message;
    } else if (status == 429 || status >= 500 || e.isThrottlingException()) {
      kind = EmbeddingException.Kind.RETRYABLE;
      status = status == 0 ? 429 : status;
    }
    return new EmbeddingException(kind, status, text, null, null, e);
  }

  @Override
  public void close() {
    client.close();
  }
}
