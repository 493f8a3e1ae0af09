package io.signalhub.indexing.core.provider;

import io.signalhub.indexing.core.batch.ProviderLimits;
import io.signalhub.indexing.core.token.TokenCounter;

/**
 * What the fan-out must know of the model to chunk and batch for it, without loading it.
 *
 * @param provider provider name ("local", "openai", "bedrock")
 */
public record ModelProfile(
    String provider,
    String model,
    int dimensions,
    ProviderLimits limits,
    TokenCounter tokenCounter) {

  public static ModelProfile of(String providerName, EmbeddingProvider provider) {
    return new ModelProfile(
        providerName,
        provider.model(),
        provider.dimensions(),
        provider.limits(),
        provider.tokenCounter());
  }
}
