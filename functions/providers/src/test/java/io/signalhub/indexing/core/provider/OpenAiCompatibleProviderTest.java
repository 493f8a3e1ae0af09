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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenAiCompatibleProviderTest {

  private SimulatedEmbeddingServer server;

  private OpenAiCompatibleProvider start(SimulatorSettings.Builder settings) throws Exception {
    server = SimulatedEmbeddingServer.start(settings.apiKey("sk-test").build());
    return SimulatorProviders.openAi(server.baseUrl(), "sk-test", 64);
  }

  /**
   * Starts a simulator answering as Azure OpenAI that accepts {@code key} (an api-key or an Entra
   * ID token); returns settings that call its {@code deployment} with {@code key} as the api-key.
   */
  private ProviderSettings startAzure(String key, String deployment) throws Exception {
    server =
        SimulatedEmbeddingServer.start(SimulatorSettings.builder().azure(true).apiKey(key).build());
    return new ProviderSettings(
        "azure-openai",
        null,
        64,
        null,
        key,
        null,
        new ProviderSettings.Azure(server.azureEndpoint(), deployment, null, null));
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
  void textQuotingSpecialTokensIsEmbeddedWhereOpenAiWouldAnswerA500() throws Exception {
    var provider = start(SimulatorSettings.builder());
    String quoted = "ids = tokenizer.encode(text + \"<|endoftext|>\")  # <|fim_prefix|>";

    EmbeddingResponse response = provider.embed(List.of("plain text", quoted));

    assertThat(response.vectors()).hasSize(2);
    assertThat(response.vectors().get(1))
        .containsExactly(
            SimulatedEmbeddingServer.vectorFor(
                "ids = tokenizer.encode(text + \"<endoftext>\")  # <fim_prefix>", 64));
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

  /**
   * A request over a 5-tokens/min quota, answered as OpenAI (429 "Request too large ... Limit 5"),
   * Azure OpenAI (413 "tokens_limits_reached ... Max size: 5") or a gateway (a bare 413, no limit).
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "OPENAI_429, 429, 5, true, Request too large",
    "AZURE_413, 413, 5, false, tokens_limits_reached",
    "BARE_413, 413, -1, false, ''"
  })
  void aRequestLargerThanTheQuotaIsTooLargeNotAThrottleAndNamesTheLimit(
      SimulatorSettings.TooLarge shape,
      int status,
      long limit,
      boolean namesRequest,
      String message)
      throws Exception {
    var provider = start(SimulatorSettings.builder().tokensPerMinute(5).tooLarge(shape));

    EmbeddingException e = embedFailure(provider, "one two three four five six seven eight");

    assertThat(e.kind()).isEqualTo(EmbeddingException.Kind.TOO_LARGE);
    assertThat(e.isThrottle()).isFalse();
    assertThat(e.status()).isEqualTo(status);
    assertThat(e.acceptedTokens()).isEqualTo(limit);
    if (namesRequest) {
      assertThat(e.requestedTokens()).isGreaterThan(limit);
    } else {
      assertThat(e.requestedTokens()).isEqualTo(-1);
    }
    assertThat(e.getMessage()).contains(message);
  }

  /**
   * What {@code provider} throws when asked to embed {@code inputs}; fails if it throws nothing.
   */
  private static EmbeddingException embedFailure(EmbeddingProvider provider, String... inputs) {
    return org.junit.jupiter.api.Assertions.assertThrows(
        EmbeddingException.class, () -> provider.embed(List.of(inputs)));
  }

  @Test
  void azureOpenAiSendsItsRouteApiVersionAndApiKeyAndReadsItsHeaders() throws Exception {
    var settings = startAzure("azure-key", "text-embedding-3-small");

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
    var withKey = startAzure("entra-token", "text-embedding-3-small");
    var withToken =
        withKey
            .withApiKey(null)
            .withAzure(
                new ProviderSettings.Azure(
                    server.azureEndpoint(), "text-embedding-3-small", "2024-10-21", "entra-token"));

    try (EmbeddingProvider provider = EmbeddingProviders.create(withToken)) {
      assertThat(provider.embed(List.of("alpha")).vectors()).hasSize(1);
    }
    try (EmbeddingProvider provider = EmbeddingProviders.create(withKey.withApiKey("wrong"))) {
      EmbeddingException e = embedFailure(provider, "alpha");
      assertThat(e.kind()).isEqualTo(EmbeddingException.Kind.FATAL);
      assertThat(e.getMessage()).contains("AZURE_OPENAI_API_KEY");
    }
  }

  @Test
  void azureOpenAiRetryAfterMsIsHonoured() throws Exception {
    var settings = startAzure("k", null);
    server.failNext(
        429,
        "Requests to the Embeddings_Create Operation have exceeded the rate limit",
        Map.of("retry-after-ms", "1234", "x-ratelimit-remaining-tokens", "0"));
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
