package io.signalhub.indexing.core.provider;

import io.signalhub.indexing.core.batch.ProviderLimits;
import io.signalhub.indexing.core.token.Cl100kTokenCounter;
import io.signalhub.indexing.core.token.TokenCounter;

/**
 * What a hosted model (OpenAI-compatible, Bedrock) tells its callers without a request: model id,
 * vector length and limits. Their tokenizers are either cl100k (OpenAI) or not published (Bedrock,
 * where cl100k with a margin in the limits stands in), so both count with cl100k.
 */
abstract class HostedEmbeddingProvider implements EmbeddingProvider {

  private final String model;
  private final int dimensions;
  private final ProviderLimits limits;

  HostedEmbeddingProvider(String model, int dimensions, ProviderLimits limits) {
    this.model = model;
    this.dimensions = dimensions;
    this.limits = limits;
  }

  @Override
  public final String model() {
    return model;
  }

  @Override
  public final int dimensions() {
    return dimensions;
  }

  @Override
  public final ProviderLimits limits() {
    return limits;
  }

  @Override
  public final TokenCounter tokenCounter() {
    return Cl100kTokenCounter.instance();
  }
}
