package io.signalhub.indexing.core.provider;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * What selects and configures a provider. Read from the environment with {@link #fromEnvironment}:
 * the original package's {@code SIGNAL_HUB_EMBEDDING_*} names and the usual {@code OPENAI_*} ones.
 *
 * @param provider "local", "openai" or "bedrock"
 * @param model model id; null means the provider's default
 * @param dimensions requested vector length; 0 means the model's default
 * @param baseUrl OpenAI-compatible base URL (openai)
 * @param apiKey OpenAI-compatible key (openai); never logged
 * @param region AWS region (bedrock)
 */
public record ProviderSettings(
    String provider, String model, int dimensions, URI baseUrl, String apiKey, String region) {

  public static final String DEFAULT_PROVIDER = "local";

  public static ProviderSettings fromEnvironment(Map<String, String> env) {
    return new ProviderSettings(
        first(env, "SIGNAL_HUB_EMBEDDING_PROVIDER").orElse(DEFAULT_PROVIDER),
        first(env, "SIGNAL_HUB_EMBEDDING_MODEL").orElse(null),
        first(env, "SIGNAL_HUB_EMBEDDING_DIMENSION", "SIGNAL_HUB_EMBEDDING_DIMENSIONS")
            .map(Integer::parseInt)
            .orElse(0),
        first(env, "SIGNAL_HUB_EMBEDDING_BASE_URL", "OPENAI_BASE_URL")
            .map(URI::create)
            .orElse(null),
        first(env, "SIGNAL_HUB_EMBEDDING_API_KEY", "OPENAI_API_KEY").orElse(null),
        first(env, "SIGNAL_HUB_EMBEDDING_REGION", "AWS_REGION", "AWS_DEFAULT_REGION").orElse(null));
  }

  public ProviderSettings withProvider(String value) {
    return new ProviderSettings(value, model, dimensions, baseUrl, apiKey, region);
  }

  public ProviderSettings withModel(String value) {
    return new ProviderSettings(provider, value, dimensions, baseUrl, apiKey, region);
  }

  public ProviderSettings withBaseUrl(URI value) {
    return new ProviderSettings(provider, model, dimensions, value, apiKey, region);
  }

  @Override
  public String toString() {
    return "ProviderSettings[provider=%s, model=%s, dimensions=%d, baseUrl=%s, apiKey=%s, region=%s]"
        .formatted(provider, model, dimensions, baseUrl, apiKey == null ? "unset" : "****", region);
  }

  private static Optional<String> first(Map<String, String> env, String... names) {
    for (String name : names) {
      String value = env.get(name);
      if (value != null && !value.isBlank()) {
        return Optional.of(value.trim());
      }
    }
    return Optional.empty();
  }
}
