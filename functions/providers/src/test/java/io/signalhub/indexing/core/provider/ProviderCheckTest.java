package io.signalhub.indexing.core.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.signalhub.indexing.simulator.SimulatedEmbeddingServer;
import io.signalhub.indexing.simulator.SimulatorSettings;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProviderCheckTest {

  @Test
  void aProviderNobodyListensForIsReportedWithWhatToFix() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    URI nowhere = URI.create("http://127.0.0.1:" + closedPort + "/v1");

    var problem =
        ProviderCheck.problem(
            SimulatorProviders.openAi(nowhere, "sk-test", 8), "openai at " + nowhere);

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
      assertThat(
              ProviderCheck.problem(
                  SimulatorProviders.openAi(server.baseUrl(), "sk-wrong", 8), "openai"))
          .hasValueSatisfying(text -> assertThat(text).contains("refused").contains("API key"));

      assertThat(
              ProviderCheck.problem(
                  SimulatorProviders.openAi(server.baseUrl(), "sk-right", 8), "openai"))
          .isEmpty();
      assertThat(server.stats().inputsReceived()).contains(ProviderCheck.PROBE);

      server.failNext(429, "Rate limit reached", Map.of("Retry-After", "1"));
      assertThat(
              ProviderCheck.problem(
                  SimulatorProviders.openAi(server.baseUrl(), "sk-right", 8), "openai"))
          .isEmpty();
    }
  }
}
