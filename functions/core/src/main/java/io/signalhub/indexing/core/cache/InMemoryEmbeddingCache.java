package io.signalhub.indexing.core.cache;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/** A process-local cache holding at most {@code maxEntries} vectors, least recently used out. */
public final class InMemoryEmbeddingCache implements EmbeddingCache {

  private final Map<String, float[]> entries;

  public InMemoryEmbeddingCache(int maxEntries) {
    this.entries =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, float[]> eldest) {
            return size() > maxEntries;
          }
        };
  }

  @Override
  public synchronized Map<String, float[]> getAll(Collection<String> keys) {
    Map<String, float[]> found = new HashMap<>();
    for (String key : keys) {
      float[] vector = entries.get(key);
      if (vector != null) {
        found.put(key, vector.clone());
      }
    }
    return found;
  }

  @Override
  public synchronized void putAll(Map<String, float[]> vectors) {
    // copies both ways, as a store outside the process does: a caller's array stays its own
    vectors.forEach((key, vector) -> entries.put(key, vector.clone()));
  }

  public synchronized int size() {
    return entries.size();
  }
}
