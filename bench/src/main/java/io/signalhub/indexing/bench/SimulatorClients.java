package io.signalhub.indexing.bench;

import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import io.signalhub.indexing.core.provider.EmbeddingProvider;
import io.signalhub.indexing.core.provider.OpenAiCompatibleProvider;
import io.signalhub.indexing.core.provider.ProviderSettings;
import io.signalhub.indexing.local.runtime.LocalRuntime;
import io.signalhub.indexing.simulator.SimulatedEmbeddingServer;
import io.signalhub.indexing.simulator.SimulatorSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** The simulated provider as the scenarios set it up, and the clients they point at it. */
final class SimulatorClients {

  private SimulatorClients() {}

  /** The simulator with {@link Bench#DIMENSIONS} and the realistic latency, limits still open. */
  static SimulatorSettings.Builder realisticLatency() {
    return SimulatorSettings.builder()
        .dimensions(Bench.DIMENSIONS)
        .fixedLatencyMillis(Bench.FIXED_LATENCY_MS)
        .latencyMillisPerThousandTokens(Bench.LATENCY_PER_1K_TOKENS_MS);
  }

  /** The library's OpenAI-compatible provider pointed at the simulator. */
  static EmbeddingProvider provider(SimulatedEmbeddingServer server) {
    return OpenAiCompatibleProvider.builder()
        .baseUrl(server.baseUrl())
        .apiKey("bench")
        .model(Bench.MODEL)
        .dimensions(Bench.DIMENSIONS)
        .timeout(Duration.ofMinutes(2))
        .build();
  }

  /** The local stack's provider settings: OpenAI at the simulator (or nowhere, when null). */
  static ProviderSettings stackProvider(SimulatedEmbeddingServer server) {
    return new ProviderSettings(
        "openai",
        Bench.MODEL,
        Bench.DIMENSIONS,
        server == null ? null : server.baseUrl(),
        "bench",
        null);
  }

  /**
   * A fresh local stack configured by {@code config}, embedding through OpenAI at the simulator (or
   * nowhere, when null).
   */
  static LocalRuntime stack(SimulatedEmbeddingServer server, Map<String, String> config)
      throws Exception {
    return LocalRuntime.start(
        LocalRuntime.Ports.ANY,
        null,
        stackProvider(server),
        key -> Optional.ofNullable(config.get(key)));
  }

  /** LangChain4j's OpenAI client pointed at the simulator, otherwise with its defaults. */
  static OpenAiEmbeddingModel.OpenAiEmbeddingModelBuilder peer(SimulatedEmbeddingServer server) {
    return OpenAiEmbeddingModel.builder()
        .baseUrl(server.baseUrl().toString())
        .apiKey("bench")
        .modelName(Bench.MODEL)
        .dimensions(Bench.DIMENSIONS)
        .timeout(Duration.ofMinutes(5));
  }
}
