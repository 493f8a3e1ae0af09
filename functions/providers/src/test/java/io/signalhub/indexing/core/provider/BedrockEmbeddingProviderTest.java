package io.signalhub.indexing.core.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.signalhub.indexing.core.batch.ProviderLimits;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Bedrock provider through the real SDK, against a local endpoint that answers like Bedrock.
 */
class BedrockEmbeddingProviderTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private HttpServer server;
  private final ConcurrentLinkedQueue<String> errorTypes = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedQueue<String> paths = new ConcurrentLinkedQueue<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::answer);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void answer(HttpExchange exchange) throws IOException {
    try (exchange) {
      paths.add(exchange.getRequestURI().getRawPath());
      String error = errorTypes.poll();
      if (error != null) {
        int status =
            Map.of(
                    "ThrottlingException", 429,
                    "ValidationException", 400,
                    "AccessDeniedException", 403,
                    "ResourceNotFoundException", 404,
                    "ServiceUnavailableException", 503)
                .get(error);
        send(
            exchange,
            status,
            Map.of("x-amzn-ErrorType", error),
            JSON.createObjectNode().put("message", error + " happened"));
        return;
      }
      JsonNode request = JSON.readTree(exchange.getRequestBody());
      ObjectNode body = JSON.createObjectNode();
      if (request.has("texts")) {
        var embeddings = body.putArray("embeddings");
        request.path("texts").forEach(text -> embeddings.add(vector(text.asText(), 1024)));
        body.put("response_type", "embeddings_floats");
        send(exchange, 200, Map.of("X-Amzn-Bedrock-Input-Token-Count", "17"), body);
      } else {
        body.set(
            "embedding",
            vector(request.path("inputText").asText(), request.path("dimensions").asInt()));
        body.put("inputTextTokenCount", 5);
        send(exchange, 200, Map.of(), body);
      }
    }
  }

  private static JsonNode vector(String text, int dimensions) {
    var array = JSON.createArrayNode();
    for (int i = 0; i < dimensions; i++) {
      array.add(i == 0 ? text.length() : 0.5);
    }
    return array;
  }

  private static void send(
      HttpExchange exchange, int status, Map<String, String> headers, JsonNode body)
      throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private EmbeddingProvider provider(String model, int dimensions) {
    System.setProperty("aws.accessKeyId", "test");
    System.setProperty("aws.secretAccessKey", "test");
    return EmbeddingProviders.create(
        new ProviderSettings(
            "bedrock",
            model,
            dimensions,
            URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
            null,
            "us-east-1"));
  }

  /** The fan-out's view: limits and dimensions without a client, a region or credentials. */
  @Test
  void theProfileNeedsNoClient() {
    var titan =
        EmbeddingProviders.profile(
            ProviderSettings.fromEnvironment(Map.of("SIGNAL_HUB_EMBEDDING_PROVIDER", "bedrock")));
    assertThat(titan.model()).isEqualTo(BedrockEmbeddingProvider.TITAN_V2);
    assertThat(titan.dimensions()).isEqualTo(1024);
    assertThat(titan.limits()).isEqualTo(ProviderLimits.BEDROCK_TITAN_V2);
    var cohere = BedrockModels.profile(BedrockEmbeddingProvider.COHERE_ENGLISH_V3, 256);
    assertThat(cohere.dimensions()).isEqualTo(1024);
    assertThat(cohere.limits()).isEqualTo(ProviderLimits.BEDROCK_COHERE);
    assertThatThrownBy(() -> BedrockModels.profile("amazon.nova-lite", 0))
        .hasMessageContaining("Unsupported Bedrock embedding model 'amazon.nova-lite'");
    assertThat(paths).isEmpty();
  }

  @Test
  void titanEmbedsOneInputWithTheRequestedDimensions() {
    var provider = provider(BedrockEmbeddingProvider.TITAN_V2, 256);
    var response = provider.embed(List.of("hello"));
    assertThat(response.vectors()).hasSize(1);
    assertThat(response.vectors().get(0)).hasSize(256);
    assertThat(response.vectors().get(0)[0]).isEqualTo(5f);
    assertThat(response.tokens()).isEqualTo(5);
    assertThat(provider.limits().maxInputsPerRequest()).isEqualTo(1);
    assertThat(paths).containsExactly("/model/amazon.titan-embed-text-v2%3A0/invoke");
  }

  @Test
  void cohereEmbedsABatchInOrderAndReadsTokensFromTheHeader() {
    var provider = provider(BedrockEmbeddingProvider.COHERE_ENGLISH_V3, 0);
    var response = provider.embed(List.of("a", "bbb", "cc"));
    assertThat(response.vectors()).extracting(v -> v[0]).containsExactly(1f, 3f, 2f);
    assertThat(response.tokens()).isEqualTo(17);
    assertThat(provider.limits().maxInputsPerRequest()).isEqualTo(96);
  }

  @Test
  void errorsAreClassified() {
    var provider = provider(BedrockEmbeddingProvider.COHERE_ENGLISH_V3, 0);
    Map<String, EmbeddingException.Kind> expected =
        Map.of(
            "ThrottlingException", EmbeddingException.Kind.RETRYABLE,
            "ServiceUnavailableException", EmbeddingException.Kind.RETRYABLE,
            "ValidationException", EmbeddingException.Kind.INPUT_REJECTED,
            "AccessDeniedException", EmbeddingException.Kind.FATAL,
            "ResourceNotFoundException", EmbeddingException.Kind.FATAL);
    expected.forEach(
        (type, kind) -> {
          errorTypes.add(type);
          assertThatThrownBy(() -> provider.embed(List.of("x")))
              .as(type)
              .isInstanceOfSatisfying(
                  EmbeddingException.class, e -> assertThat(e.kind()).isEqualTo(kind));
        });
    errorTypes.add("AccessDeniedException");
    assertThatThrownBy(() -> provider.embed(List.of("x")))
        .hasMessageContaining("bedrock:InvokeModel");
  }

  @Test
  void rejectsModelsItCannotSpeakTo() {
    assertThatThrownBy(() -> provider("meta.llama3", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(BedrockEmbeddingProvider.TITAN_V2);
  }
}
