package io.signalhub.indexing.core.batch;

/**
 * The limits one batch must respect: the tighter of the provider's limits and the configured
 * bounds.
 *
 * @param maxItems items per batch
 * @param maxTokens tokens per batch
 * @param maxTokensPerItem tokens per item
 * @param maxBytes estimated bytes per batch
 */
public record BatchBounds(int maxItems, long maxTokens, int maxTokensPerItem, long maxBytes) {

  public BatchBounds {
    if (maxItems < 1 || maxTokens < 1 || maxTokensPerItem < 1 || maxBytes < 1) {
      throw new IllegalArgumentException(
          "Batch bounds must be positive: items=%d tokens=%d tokensPerItem=%d bytes=%d"
              .formatted(maxItems, maxTokens, maxTokensPerItem, maxBytes));
    }
  }

  /**
   * Bounds for requests to a provider, narrowed by the configured batch size and token budget (0
   * means "the provider's limit").
   */
  public static BatchBounds forProvider(ProviderLimits limits, int batchSize, long tokenBudget) {
    int items =
        batchSize > 0
            ? Math.min(batchSize, limits.maxInputsPerRequest())
            : limits.maxInputsPerRequest();
    long tokens =
        tokenBudget > 0
            ? Math.min(tokenBudget, limits.maxTokensPerRequest())
            : limits.maxTokensPerRequest();
    int perItem = (int) Math.min(limits.maxTokensPerInput(), tokens);
    return new BatchBounds(items, tokens, perItem, limits.maxRequestBytes());
  }
}
