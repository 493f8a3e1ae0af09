package io.signalhub.indexing.core.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.signalhub.indexing.simulator.SimulatedEmbeddingServer;
import io.signalhub.indexing.simulator.SimulatorSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpenAiCompatibleProviderTest {

  private SimulatedEmbeddingServer server;

  private OpenAiCompatibleProvider start(SimulatorSettings.Builder settings) throws Exception {
    server = SimulatedEmbeddingServer.start(settings.apiKey("sk-test").build());
    return OpenAiCompatibleProvider.builder()
        .baseUrl(server.baseUrl())
        .apiKey("sk-test")
        .model("text-embedding-3-small")
        .dimensions(64)
        .timeout(Duration.ofSeconds(5))
        .build();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void matchesVectorsToInputsByIndexWhenDataComesBackOutOfOrder() throws Exception {
    var provider = start(SimulatorSettings.builder().shuffleResponseOrder(true));
    List<String> inputs = List.of("alpha", "beta", "gamma", "delta", "epsilon", "zeta");

    EmbeddingResponse response = provider.embed(inputs);

    assertThat(response.vectors()).hasSize(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      assertThat(response.vectors().get(i))
          .containsExactly(SimulatedEmbeddingServer.vectorFor(inputs.get(i), 64));
    }
    assertThat(response.tokens()).isEqualTo(server.stats().tokens()).isPositive();
    assertThat(response.quota().remainingRequests()).isPositive();
  }

  @Test
  void aThrottleIsRetryableAndCarriesRetryAfter() throws Exception {
    var provider = start(SimulatorSettings.builder());
    server.failNext(
        429, "Rate limit reached", Map.of("Retry-After", "2", "retry-after-ms", "1500"));

    EmbeddingException e = embedFailure(provider, "x");
    assertThat(e.kind()).isEqualTo(EmbeddingException.Kind.RETRYABLE);
    assertThat(e.isThrottle()).isTrue();
    assertThat(e.retryAfter()).contains(Duration.ofSeconds(2));
  }

  @Test
  void theSimulatorsOwnRateLimitAnswersWithOpenAiHeaders() throws Exception {
    var provider = start(SimulatorSettings.builder().requestsPerMinute(2));
    provider.embed(List.of("a"));
    provider.embed(List.of("b"));
    EmbeddingException e = embedFailure(provider, "c");
    assertThat(e.status()).isEqualTo(429);
    assertThat(e.retryAfter()).hasValueSatisfying(d -> assertThat(d).isPositive());
    assertThat(e.quota().remainingRequests()).isZero();
  }

  @Test
  void serverErrorsAndDroppedConnectionsAreRetryable() throws Exception {
    var provider = start(SimulatorSettings.builder());
    server.failNext(503, "overloaded", Map.of());
    assertThat(embedFailure(provider, "x").kind()).isEqualTo(EmbeddingException.Kind.RETRYABLE);
    server.dropNextConnection();
    EmbeddingException dropped = embedFailure(provider, "x");
    assertThat(dropped.kind()).isEqualTo(EmbeddingException.Kind.RETRYABLE);
    assertThat(dropped.status()).isZero();
    assertThat(provider.embed(List.of("x")).vectors()).hasSize(1);
  }

  @Test
  void anOverLimitInputIsRejectedInput() throws Exception {
    var provider = start(SimulatorSettings.builder().maxTokensPerInput(10));
    EmbeddingException e =
        embedFailure(provider, "one two three four five six seven eight nine ten eleven twelve");
    assertThat(e.kind()).isEqualTo(EmbeddingException.Kind.INPUT_REJECTED);
    assertThat(e.getMessage()).contains("maximum context length is 10 tokens");
  }

  @Test
  void anOverLimitRequestIsRejectedInput() throws Exception {
    var provider = start(SimulatorSettings.builder().maxTokensPerRequest(20).maxTokensPerInput(20));
    EmbeddingException e =
        embedFailure(
            provider,
            "one two three four five six seven eight nine ten eleven twelve thirteen",
            "fourteen fifteen sixteen seventeen eighteen nineteen twenty twenty-one");
    assertThat(e.kind()).isEqualTo(EmbeddingException.Kind.INPUT_REJECTED);
  }

  @Test
  void aBadKeyFailsFastSayingWhatToFix() throws Exception {
    start(SimulatorSettings.builder());
    var provider =
        OpenAiCompatibleProvider.builder().baseUrl(server.baseUrl()).apiKey("wrong").build();
    EmbeddingException e = embedFailure(provider, "x");
    assertThat(e.kind()).isEqualTo(EmbeddingException.Kind.FATAL);
    assertThat(e.getMessage()).contains("401").contains("OPENAI_API_KEY");
  }

  @Test
  void anUnknownModelFailsFastSayingWhatToFix() throws Exception {
    start(SimulatorSettings.builder());
    var provider =
        OpenAiCompatibleProvider.builder()
            .baseUrl(server.baseUrl())
            .apiKey("sk-test")
            .model("text-embedding-9")
            .build();
    EmbeddingException e = embedFailure(provider, "x");
    assertThat(e.kind()).isEqualTo(EmbeddingException.Kind.FATAL);
    assertThat(e.getMessage()).contains("text-embedding-9").contains("SIGNAL_HUB_EMBEDDING_MODEL");
  }

  @Test
  void anUnreachableServerIsRetryable() {
    var provider =
        OpenAiCompatibleProvider.builder()
            .baseUrl(java.net.URI.create("http://127.0.0.1:9/v1"))
            .apiKey("k")
            .build();
    EmbeddingException e = embedFailure(provider, "x");
    assertThat(e.kind()).isEqualTo(EmbeddingException.Kind.RETRYABLE);
  }

  @Test
  void openAisRequestTooLargeIsNotAThrottleAndNamesTheLimit() throws Exception {
    EmbeddingException e = tooLargeAnswer(SimulatorSettings.TooLarge.OPENAI_429);
    assertThat(e.status()).isEqualTo(429);
    assertThat(e.isThrottle()).isFalse();
    assertThat(e.acceptedTokens()).isEqualTo(5);
    assertThat(e.requestedTokens()).isGreaterThan(5);
    assertThat(e.getMessage()).contains("Request too large");
  }

  @Test
  void azuresTokensLimitsReachedNamesTheMaxSize() throws Exception {
    EmbeddingException e = tooLargeAnswer(SimulatorSettings.TooLarge.AZURE_413);
    assertThat(e.status()).isEqualTo(413);
    assertThat(e.acceptedTokens()).isEqualTo(5);
    assertThat(e.getMessage()).contains("tokens_limits_reached");
  }

  @Test
  void aBare413IsTooLargeWithoutALimit() throws Exception {
    EmbeddingException e = tooLargeAnswer(SimulatorSettings.TooLarge.BARE_413);
    assertThat(e.acceptedTokens()).isEqualTo(-1);
  }

  /**
   * What {@code provider} throws when asked to embed {@code inputs}; fails if it throws nothing.
   */
  private static EmbeddingException embedFailure(EmbeddingProvider provider, String... inputs) {
    return org.junit.jupiter.api.Assertions.assertThrows(
        EmbeddingException.class, () -> provider.embed(List.of(inputs)));
  }

  /** What a 5-tokens/min simulator answers, in {@code shape}, to a request of eight words. */
  private EmbeddingException tooLargeAnswer(SimulatorSettings.TooLarge shape) throws Exception {
    var provider = start(SimulatorSettings.builder().tokensPerMinute(5).tooLarge(shape));
    EmbeddingException e = embedFailure(provider, "one two three four five six seven eight");
    assertThat(e.kind()).isEqualTo(EmbeddingException.Kind.TOO_LARGE);
    return e;
  }

  @Test
  void azureOpenAiSendsItsRouteApiVersionAndApiKeyAndReadsItsHeaders() throws Exception {
    server =
        SimulatedEmbeddingServer.start(
            SimulatorSettings.builder().azure(true).apiKey("azure-key").build());
    var settings =
        new ProviderSettings(
            "azure-openai",
            null,
            64,
            null,
            "azure-key",
            null,
            new ProviderSettings.Azure(
                server.azureEndpoint(), "text-embedding-3-small", null, null));

    try (EmbeddingProvider azure = EmbeddingProviders.create(settings)) {
      EmbeddingResponse response = azure.embed(List.of("alpha", "beta"));

      assertThat(response.vectors().get(1))
          .containsExactly(SimulatedEmbeddingServer.vectorFor("beta", 64));
      assertThat(response.quota().remainingTokens()).isPositive();
      assertThat(response.quota().remainingRequests()).isPositive();
      assertThat(response.quota().limitTokens()).isEqualTo(-1);
    }
  }

  @Test
  void azureOpenAiAcceptsAnEntraIdBearerTokenInsteadOfTheKey() throws Exception {
    server =
        SimulatedEmbeddingServer.start(
            SimulatorSettings.builder().azure(true).apiKey("entra-token").build());
    var azure =
        new ProviderSettings.Azure(
            server.azureEndpoint(), "text-embedding-3-small", "2024-10-21", "entra-token");
    var settings = new ProviderSettings("azure-openai", null, 64, null, null, null, azure);

    try (EmbeddingProvider provider = EmbeddingProviders.create(settings)) {
      assertThat(provider.embed(List.of("alpha")).vectors()).hasSize(1);
    }
    var wrongKey =
        settings
            .withApiKey("wrong")
            .withAzure(
                new ProviderSettings.Azure(
                    server.azureEndpoint(), "text-embedding-3-small", null, null));
    try (EmbeddingProvider provider = EmbeddingProviders.create(wrongKey)) {
      EmbeddingException e = embedFailure(provider, "alpha");
      assertThat(e.kind()).isEqualTo(EmbeddingException.Kind.FATAL);
      assertThat(e.getMessage()).contains("AZURE_OPENAI_API_KEY");
    }
  }

  @Test
  void azureOpenAiRetryAfterMsIsHonoured() throws Exception {
    server =
        SimulatedEmbeddingServer.start(SimulatorSettings.builder().azure(true).apiKey("k").build());
    server.failNext(
        429,
        "Requests to the Embeddings_Create Operation have exceeded the rate limit",
        Map.of("retry-after-ms", "1234", "x-ratelimit-remaining-tokens", "0"));
    var settings =
        new ProviderSettings(
            "azure-openai",
            null,
            64,
            null,
            "k",
            null,
            new ProviderSettings.Azure(server.azureEndpoint(), null, null, null));
    try (EmbeddingProvider azure = EmbeddingProviders.create(settings)) {
      EmbeddingException e = embedFailure(azure, "x");
      assertThat(e.isThrottle()).isTrue();
      assertThat(e.retryAfter()).contains(Duration.ofMillis(1234));
      assertThat(e.quota().remainingTokens()).isZero();
    }
  }

  @Test
  void azureOpenAiWithoutAnEndpointSaysWhatToSet() {
    var settings = new ProviderSettings("azure-openai", null, 0, null, "k", null);
    assertThatThrownBy(() -> EmbeddingProviders.create(settings))
        .hasMessageContaining("AZURE_OPENAI_ENDPOINT");
  }
}
