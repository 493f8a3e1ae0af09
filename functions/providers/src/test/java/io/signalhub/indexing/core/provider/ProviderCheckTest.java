package io.signalhub.indexing.core.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalhub.indexing.simulator.SimulatedEmbeddingServer;
import io.signalhub.indexing.simulator.SimulatorSettings;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderCheckTest {

  private static OpenAiCompatibleProvider openAi(URI baseUrl, String key) {
    return OpenAiCompatibleProvider.builder()
        .baseUrl(baseUrl)
        .apiKey(key)
        .model("text-embedding-3-small")
        .dimensions(8)
        .timeout(Duration.ofSeconds(5))
        .build();
  }

  @Test
  void aProviderNobodyListensForIsReportedWithWhatToFix() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    URI nowhere = URI.create("http://127.0.0.1:" + closedPort + "/v1");

    var problem = ProviderCheck.problem(openAi(nowhere, "sk-test"), "openai at " + nowhere);

    assertThat(problem)
        .hasValueSatisfying(
            text ->
                assertThat(text)
                    .startsWith("cannot reach the embedding provider (openai at " + nowhere)
                    .contains("--base-url"));
  }

  @Test
  void aRejectedKeySaysSoAndAHealthyOrBusyProviderPasses() throws Exception {
    try (var server =
        SimulatedEmbeddingServer.start(
            SimulatorSettings.builder().apiKey("sk-right").logInputs(true).build())) {
      assertThat(ProviderCheck.problem(openAi(server.baseUrl(), "sk-wrong"), "openai"))
          .hasValueSatisfying(text -> assertThat(text).contains("refused").contains("API key"));

      assertThat(ProviderCheck.problem(openAi(server.baseUrl(), "sk-right"), "openai")).isEmpty();
      assertThat(server.stats().inputsReceived()).contains(ProviderCheck.PROBE);

      server.failNext(429, "Rate limit reached", Map.of("Retry-After", "1"));
      assertThat(ProviderCheck.problem(openAi(server.baseUrl(), "sk-right"), "openai")).isEmpty();
    }
  }
}
