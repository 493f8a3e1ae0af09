package io.signalhub.indexing.aws.it;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.signalhub.indexing.core.economy.OpenAiBatchApi;
import io.signalhub.indexing.core.economy.ProviderBatchApi;
import io.signalhub.indexing.simulator.SimulatedEmbeddingServer;
import io.signalhub.indexing.simulator.SimulatorSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * For a function's {@code @QuarkusTest} in the {@code provider=openai} configuration: the provider
 * simulator (embeddings and the Batch API, provider batches finishing at once), its URL and key in
 * the function's configuration, and economy polls due at once.
 */
public class SimulatorTestResource implements QuarkusTestResourceLifecycleManager {

  public static final String KEY = "sk-handler-test";

  private static volatile SimulatedEmbeddingServer server;

  /** The running simulator, for its statistics. */
  public static SimulatedEmbeddingServer server() {
    return server;
  }

  /** The simulator's Batch API with the key, as a function given it builds it. */
  public static ProviderBatchApi batchApi() {
    return new OpenAiBatchApi(server.baseUrl(), KEY, ProviderBatchApi.FileLimits.OPENAI);
  }

  @Override
  public Map<String, String> start() {
    try {
      server =
          SimulatedEmbeddingServer.start(
              SimulatorSettings.builder().apiKey(KEY).batchDurations(0, 0, 0).build());
    } catch (IOException e) {
      throw new UncheckedIOException("the simulator did not start", e);
    }
    return Map.of(
        "SIGNAL_HUB_EMBEDDING_PROVIDER", "openai",
        "SIGNAL_HUB_EMBEDDING_BASE_URL", server.baseUrl().toString(),
        "SIGNAL_HUB_EMBEDDING_API_KEY", KEY,
        "signal-hub.economy.poll-seconds", "0",
        "signal-hub.economy.max-poll-seconds", "0");
  }

  @Override
  public void stop() {
    if (server != null) {
      server.close();
    }
  }
}
