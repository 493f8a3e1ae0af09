package io.signalhub.indexing.core.provider;

import java.net.URI;

/** Creates the HTTP client for any OpenAI-compatible endpoint. */
public final class OpenAiProviderFactory extends OpenAiModels implements EmbeddingProviderFactory {
  @Override
  public EmbeddingProvider create(ProviderSettings settings) {
    OpenAiCompatibleProvider.Builder builder = OpenAiCompatibleProvider.builder();
    builder.baseUrl(
        settings.baseUrl() != null ? settings.baseUrl() : URI.create("https://api.openai.com/v1"));
    if (settings.model() != null) {
      builder.model(settings.model());
    }
    return builder.apiKey(settings.apiKey()).dimensions(settings.dimensions()).build();
  }
}
