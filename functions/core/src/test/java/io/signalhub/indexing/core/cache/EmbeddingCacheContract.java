package io.signalhub.indexing.core.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link EmbeddingCache} does: run on the in-memory cache ({@code
 * InMemoryEmbeddingCacheTest}) and on DynamoDB ({@code DynamoEmbeddingCacheIT}).
 */
public abstract class EmbeddingCacheContract {

  protected EmbeddingCache cache;

  /** An empty cache with room for at least 1,000 vectors. */
  protected abstract EmbeddingCache newCache();

  @BeforeEach
  void emptyCache() {
    cache = newCache();
  }

  private static String key(int i) {
    return CacheKey.of("model", 384, "chunk " + i);
  }

  private static float[] vector(int seed) {
    float[] vector = new float[384];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = (float) Math.sin(seed * 1_000 + i) / (i + 1);
    }
    return vector;
  }

  @Test
  void aMissingKeyIsAbsent() {
    cache.putAll(Map.of(key(1), vector(1)));

    assertThat(cache.getAll(List.of(key(2)))).isEmpty();
    assertThat(cache.getAll(List.of())).isEmpty();
  }

  @Test
  void vectorsReadBackBitForBit() {
    float[] awkward = {0f, -0f, Float.MIN_VALUE, -Float.MAX_VALUE, 1e-30f, 0.1f, Float.NaN};
    cache.putAll(Map.of(key(1), awkward, key(2), vector(2)));

    Map<String, float[]> found = cache.getAll(List.of(key(1), key(2), key(3)));

    assertThat(found).containsOnlyKeys(key(1), key(2));
    assertThat(found.get(key(1))).containsExactly(awkward);
    assertThat(found.get(key(2))).containsExactly(vector(2));
  }

  @Test
  void manyVectorsGoInAndComeOutInOneCall() {
    // more than one DynamoDB request's worth each way (25 writes, 100 reads)
    Map<String, float[]> vectors = new LinkedHashMap<>();
    IntStream.range(0, 260).forEach(i -> vectors.put(key(i), vector(i)));

    cache.putAll(vectors);
    Map<String, float[]> found = cache.getAll(vectors.keySet());

    assertThat(found).containsOnlyKeys(vectors.keySet());
    vectors.forEach((key, vector) -> assertThat(found.get(key)).containsExactly(vector));
  }

  @Test
  void aKeyAskedForTwiceIsFoundOnce() {
    cache.putAll(Map.of(key(1), vector(1)));

    Map<String, float[]> found = cache.getAll(List.of(key(1), key(1), key(2)));

    assertThat(found).containsOnlyKeys(key(1));
  }

  @Test
  void aNewVectorReplacesTheOldOne() {
    cache.putAll(Map.of(key(1), vector(1)));
    cache.putAll(Map.of(key(1), vector(2)));

    assertThat(cache.getAll(List.of(key(1))).get(key(1))).containsExactly(vector(2));
  }

  @Test
  void changingAVectorOutsideTheCacheChangesNothingInIt() {
    float[] put = vector(1);
    cache.putAll(Map.of(key(1), put));
    put[0] = 42f;
    cache.getAll(List.of(key(1))).get(key(1))[1] = 42f;

    assertThat(cache.getAll(List.of(key(1))).get(key(1))).containsExactly(vector(1));
  }
}
