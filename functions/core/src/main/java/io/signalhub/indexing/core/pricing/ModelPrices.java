package io.signalhub.indexing.core.pricing;

import java.util.Map;
import java.util.Optional;

/**
 * Published on-demand prices per million input tokens, USD, as listed on 2026-11-01:
 * openai.com/api/pricing (text-embedding-3-small $0.02, -3-large $0.13, ada-002 $0.10) and
 * aws.amazon.com/bedrock/pricing (Titan Text Embeddings V2 $0.02, Cohere Embed $0.10). The local
 * model costs nothing. Used for estimates only; bills are the provider's.
 */
public final class ModelPrices {

  private static final Map<String, Double> USD_PER_MILLION_TOKENS =
      Map.of(
          "text-embedding-3-small", 0.02,
          "text-embedding-3-large", 0.13,
          "text-embedding-ada-002", 0.10,
          "amazon.titan-embed-text-v2:0", 0.02,
          "cohere.embed-english-v3", 0.10,
          "cohere.embed-multilingual-v3", 0.10,
          "all-minilm-l6-v2-q", 0.0);

  /**
   * The batch APIs' price against on demand: half (openai.com/api/pricing "Batch API";
   * aws.amazon.com/bedrock/pricing, batch inference for Titan Text Embeddings V2).
   */
  public static final double BATCH_PRICE_FACTOR = 0.5;

  private ModelPrices() {}

  /** Estimated cost of the tokens, or empty for a model without a known price. */
  public static Optional<Double> estimateUsd(String model, long tokens) {
    return Optional.ofNullable(USD_PER_MILLION_TOKENS.get(model))
        .map(price -> price * tokens / 1_000_000.0);
  }
}
