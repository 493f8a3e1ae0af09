package io.signalhub.indexing.core.provider;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

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
    return from(name -> Optional.ofNullable(env.get(name)));
  }

  /**
   * The same variable names, looked up elsewhere: a function reads them through its configuration
   * (environment variables included), so tests can set them.
   */
  public static ProviderSettings from(Function<String, Optional<String>> lookup) {
    return new ProviderSettings(
        first(lookup, "SIGNAL_HUB_EMBEDDING_PROVIDER").orElse(DEFAULT_PROVIDER),
        first(lookup, "SIGNAL_HUB_EMBEDDING_MODEL").orElse(null),
        first(lookup, "SIGNAL_HUB_EMBEDDING_DIMENSION", "SIGNAL_HUB_EMBEDDING_DIMENSIONS")
            .map(Integer::parseInt)
            .orElse(0),
        first(lookup, "SIGNAL_HUB_EMBEDDING_BASE_URL", "OPENAI_BASE_URL")
            .map(URI::create)
            .orElse(null),
        first(lookup, "SIGNAL_HUB_EMBEDDING_API_KEY", "OPENAI_API_KEY").orElse(null),
        first(lookup, "SIGNAL_HUB_EMBEDDING_REGION", "AWS_REGION", "AWS_DEFAULT_REGION")
            .orElse(null));
  }

  public ProviderSettings withApiKey(String value) {
    return new ProviderSettings(provider, model, dimensions, baseUrl, value, region);
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

  private static Optional<String> first(
      Function<String, Optional<String>> lookup, String... names) {
    for (String name : names) {
      Optional<String> value = lookup.apply(name).filter(v -> !v.isBlank());
      if (value.isPresent()) {
        return value.map(String::trim);
      }
    }
    return Optional.empty();
  }
}
