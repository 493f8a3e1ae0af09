package io.signalhub.indexing.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@link EmbeddingCache} contract on the in-memory cache, and its size bound. */
class InMemoryEmbeddingCacheTest extends EmbeddingCacheContract {

  @Override
  protected EmbeddingCache newCache() {
    return new InMemoryEmbeddingCache(1_000);
  }

  @Test
  void theLeastRecentlyUsedVectorGoesFirstWhenFull() {
    InMemoryEmbeddingCache small = new InMemoryEmbeddingCache(2);
    small.putAll(Map.of("a", new float[] {1}));
    small.putAll(Map.of("b", new float[] {2}));
    small.getAll(List.of("a"));

    small.putAll(Map.of("c", new float[] {3}));

    assertThat(small.size()).isEqualTo(2);
    assertThat(small.getAll(List.of("a", "b", "c"))).containsOnlyKeys("a", "c");
  }
}
