package io.signalhub.indexing.core.economy;

import io.signalhub.indexing.core.provider.ProviderSettings;

/** The batch API of the configured provider, if it has one the pipeline can use. */
public final class ProviderBatchApis {

  private ProviderBatchApis() {}

  /**
   * OpenAI's Batch API for provider {@code openai} (at its base URL, with its key); null for the
   * others (Bedrock batch inference is not wired yet, the local model has no batch API).
   */
  public static ProviderBatchApi forSettings(ProviderSettings settings) {
    if (!"openai".equals(settings.provider())) {
      return null;
    }
    return new OpenAiBatchApi(
        settings.baseUrl() != null
            ? settings.baseUrl()
            : java.net.URI.create("https://api.openai.com/v1"),
        settings.apiKey(),
        ProviderBatchApi.FileLimits.OPENAI);
  }
}
