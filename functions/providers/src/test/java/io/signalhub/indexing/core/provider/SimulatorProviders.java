package io.signalhub.indexing.core.provider;

import java.net.URI;
import java.time.Duration;

/**
 * Providers the tests point at a simulator (or at nothing), configured as a deployment would be.
 */
public final class SimulatorProviders {

  private SimulatorProviders() {}

  /**
   * OpenAI's default model at {@code baseUrl} with {@code key}, in {@code dimensions}; the timeout
   * is short so that a test against a dead server fails in seconds, not minutes.
   */
  public static OpenAiCompatibleProvider openAi(URI baseUrl, String key, int dimensions) {
    return OpenAiCompatibleProvider.builder()
        .baseUrl(baseUrl)
        .apiKey(key)
        .model(OpenAiModels.DEFAULT_MODEL)
        .dimensions(dimensions)
        .timeout(Duration.ofSeconds(5))
        .build();
  }
}
