package io.signalhub.indexing.core.cache;

import java.util.Collection;
import java.util.Map;

/**
 * Vectors by content key ({@link CacheKey}): a hit means the same model already embedded the same
 * text, so it costs no API call.
 */
public interface EmbeddingCache {

  /** The vectors found for these keys; missing keys are absent from the map. */
  Map<String, float[]> getAll(Collection<String> keys);

  void putAll(Map<String, float[]> vectors);
}
