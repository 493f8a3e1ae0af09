package io.signalhub.indexing.core.provider;

import java.util.List;

/**
 * Vectors in input order (already matched by the provider's index), tokens billed, and what the
 * provider said about its remaining quota.
 */
public record EmbeddingResponse(List<float[]> vectors, long tokens, QuotaSnapshot quota) {

  public EmbeddingResponse {
    vectors = List.copyOf(vectors);
    quota = quota == null ? QuotaSnapshot.UNKNOWN : quota;
  }
}
