package io.signalhub.indexing.core;

import io.signalhub.indexing.core.batch.Batcher;
import io.signalhub.indexing.core.chunk.Chunk;

/**
 * A chunk on its way to the provider: its position in the input and its content key.
 *
 * @param ordinal 0-based position in the input
 * @param chunk the chunk, token-counted and within the provider's per-input limits
 * @param key the content key ({@link io.signalhub.indexing.core.cache.CacheKey}) twins share
 */
record WorkItem(long ordinal, Chunk chunk, String key) {

  long tokens() {
    return chunk.tokens();
  }

  /** What the text adds to a request body. */
  long jsonBytes() {
    return Batcher.jsonStringBytes(chunk.text());
  }
}
