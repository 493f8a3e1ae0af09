package io.signalhub.indexing.core.pipeline;

import io.signalhub.indexing.core.cache.CacheKey;
import io.signalhub.indexing.core.cache.EmbeddingCache;
import io.signalhub.indexing.core.chunk.Chunk;
import io.signalhub.indexing.core.job.BatchResult;
import io.signalhub.indexing.core.job.Failure;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A registered batch's chunks, their cache keys and the vectors the cache already holds; and, once
 * the missing vectors are known (embedded on demand, or read from a provider batch's results), the
 * batch's vectors file, cache entries and result: how the economy poller finishes a batch, with the
 * same vectors file and counts as the on-demand embedder's.
 */
public final class BatchContents {

  private static final int FAILURE_SAMPLE = 5;

  private final BatchMessage message;
  private final String model;
  private final List<Chunk> chunks;
  private final List<String> keys = new ArrayList<>();
  private final Map<String, Chunk> byKey = new LinkedHashMap<>();
  private final Map<String, Integer> firstIndex = new HashMap<>();
  private final Map<String, Long> twinOf = new HashMap<>();
  private final Map<String, float[]> vectors;

  private BatchContents(
      BatchMessage message,
      String model,
      int dimensions,
      List<BatchPayload.Item> items,
      EmbeddingCache cache) {
    this.message = message;
    this.model = model;
    this.chunks = items.stream().map(BatchPayload.Item::chunk).toList();
    for (int i = 0; i < chunks.size(); i++) {
      String key = CacheKey.of(model, dimensions, chunks.get(i).text());
      keys.add(key);
      byKey.putIfAbsent(key, chunks.get(i));
      firstIndex.putIfAbsent(key, i);
      if (items.get(i).isTwin()) {
        twinOf.putIfAbsent(key, items.get(i).twinOf());
      }
    }
    this.vectors = new HashMap<>(cache.getAll(byKey.keySet()));
  }

  /**
   * Reads the batch's payload and looks its chunks up in the cache.
   *
   * @param expected the chunk count the batch was registered with
   * @throws IllegalArgumentException if the payload does not hold {@code expected} chunks
   * @throws BlobStore.BlobNotFoundException if the payload is gone
   */
  public static BatchContents load(
      BlobStore blobs,
      EmbeddingCache cache,
      String model,
      int dimensions,
      BatchMessage message,
      int expected) {
    List<BatchPayload.Item> items = BatchPayload.read(blobs.read(message.payloadKey()));
    if (items.size() != expected) {
      throw new IllegalArgumentException(
          "payload holds " + items.size() + " chunks, the batch was registered with " + expected);
    }
    return new BatchContents(message, model, dimensions, items, cache);
  }

  public BatchMessage message() {
    return message;
  }

  /** Distinct texts the cache does not hold, in payload order, by cache key. */
  public List<String> missing() {
    return byKey.keySet().stream().filter(key -> !vectors.containsKey(key)).toList();
  }

  /** The earlier batch of the job that carries the same text (the fan-out's twin mark), or null. */
  public Long twinOf(String key) {
    return twinOf.get(key);
  }

  public Chunk chunk(String key) {
    return byKey.get(key);
  }

  /** The position in the payload of the first chunk with this key (a provider batch's id part). */
  public int firstIndex(String key) {
    return firstIndex.get(key);
  }

  public int cachedUnique() {
    return byKey.size() - missing().size();
  }

  /**
   * Writes the batch's vectors file and the fresh vectors to the cache (both idempotent overwrites)
   * and returns what to count.
   *
   * @param fresh vectors obtained for missing keys
   * @param failures why a missing key has no vector
   * @param usage the provider calls, tokens, 429s and retries this cost
   */
  public BatchResult finish(
      BlobStore blobs,
      EmbeddingCache cache,
      Map<String, float[]> fresh,
      Map<String, String> failures,
      Usage usage) {
    Set<String> fetched = new HashSet<>(missing());
    vectors.putAll(fresh);
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < chunks.size(); i++) {
      float[] vector = vectors.get(keys.get(i));
      if (vector != null) {
        lines.append(new VectorRecord(chunks.get(i), model, vector).toJsonLine()).append('\n');
      }
    }
    blobs.put(
        Keys.vectors(message.jobId(), message.seq()),
        lines.toString().getBytes(StandardCharsets.UTF_8));
    if (!fresh.isEmpty()) {
      cache.putAll(fresh);
    }
    long completed = 0;
    long cached = 0;
    List<Failure> sample = new ArrayList<>();
    for (int i = 0; i < chunks.size(); i++) {
      String key = keys.get(i);
      if (vectors.containsKey(key)) {
        completed++;
        if (!fetched.contains(key)) {
          cached++;
        }
      } else if (sample.size() < FAILURE_SAMPLE) {
        sample.add(
            new Failure(
                chunks.get(i).location(), failures.getOrDefault(key, "no vector returned")));
      }
    }
    return new BatchResult(
        completed,
        chunks.size() - completed,
        cached,
        usage.apiCalls(),
        usage.tokens(),
        usage.throttled(),
        usage.retries(),
        sample);
  }

  /** What obtaining the missing vectors cost. */
  public record Usage(long apiCalls, long tokens, long throttled, long retries) {}
}
