package io.signalhub.indexing.core.pipeline;

import io.signalhub.indexing.core.cache.CacheKey;
import io.signalhub.indexing.core.cache.EmbeddingCache;
import io.signalhub.indexing.core.chunk.Chunk;
import io.signalhub.indexing.core.job.BatchResult;
import io.signalhub.indexing.core.job.Failure;
import io.signalhub.indexing.core.progress.Progress;
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
 * the missing vectors are known (embedded on demand, read from a provider batch's results, or found
 * as twins' vectors), the batch's vectors file, cache entries and result. The on-demand embedder
 * and the economy poller both end with {@link #write}, so they write the same vectors file and
 * count a batch the same way.
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
  private final Set<String> paid = new HashSet<>();
  private final Map<String, String> failures = new HashMap<>();

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

  /** Distinct texts with no vector yet, in payload order, by cache key. */
  public List<String> missing() {
    return byKey.keySet().stream().filter(key -> !vectors.containsKey(key)).toList();
  }

  /** The earlier batch of the job that carries the same text (the fan-out's twin mark), or null. */
  public Long twinOf(String key) {
    return twinOf.get(key);
  }

  /** The missing texts an earlier batch of the job carries, with that batch. */
  public Map<String, Long> missingTwins() {
    Map<String, Long> missing = new HashMap<>();
    for (String key : missing()) {
      Long origin = twinOf.get(key);
      if (origin != null) {
        missing.put(key, origin);
      }
    }
    return missing;
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
   * Vectors this batch paid for, and why the other keys it asked for got none. They go to the cache
   * at once (an idempotent overwrite), so twins of these texts in other batches find them without
   * waiting for this batch to be accounted.
   */
  public void bought(
      EmbeddingCache cache, Map<String, float[]> fresh, Map<String, String> failures) {
    vectors.putAll(fresh);
    paid.addAll(fresh.keySet());
    this.failures.putAll(failures);
    if (!fresh.isEmpty()) {
      cache.putAll(fresh);
    }
  }

  /** Vectors another batch paid for (a twin's, found in the cache): counted as cached here. */
  public void found(Map<String, float[]> vectors) {
    this.vectors.putAll(vectors);
  }

  /**
   * The step every path ends with, on demand and economy alike: writes the batch's vectors file (an
   * idempotent overwrite) and returns what to count. A chunk with a vector is completed; it is
   * cached unless it is the first copy of a text this batch paid for (its repeats in the batch cost
   * nothing, like a cache hit).
   *
   * @param usage the provider calls, tokens, 429s and retries the bought vectors cost
   */
  public BatchResult write(BlobStore blobs, VectorRecord.Encoding encoding, Usage usage) {
    StringBuilder lines = new StringBuilder();
    long completed = 0;
    long cached = 0;
    Set<String> firstCopies = new HashSet<>(paid);
    List<Failure> sample = new ArrayList<>();
    for (int i = 0; i < chunks.size(); i++) {
      String key = keys.get(i);
      float[] vector = vectors.get(key);
      if (vector != null) {
        lines.append(new VectorRecord(chunks.get(i), model, vector).toJsonLine(encoding));
        lines.append('\n');
        completed++;
        if (!firstCopies.remove(key)) {
          cached++;
        }
      } else if (sample.size() < FAILURE_SAMPLE) {
        sample.add(
            new Failure(
                chunks.get(i).location(), failures.getOrDefault(key, "no vector returned")));
      }
    }
    blobs.put(
        Keys.vectors(message.jobId(), message.seq()),
        lines.toString().getBytes(StandardCharsets.UTF_8));
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

  /**
   * How a provider batch's results finish this batch: {@link #bought} then {@link #write} (vectors
   * as JSON arrays).
   *
   * @param fresh vectors obtained for missing keys
   * @param failures why a missing key has no vector
   */
  public BatchResult finish(
      BlobStore blobs,
      EmbeddingCache cache,
      Map<String, float[]> fresh,
      Map<String, String> failures,
      Usage usage) {
    bought(cache, fresh, failures);
    return write(blobs, VectorRecord.Encoding.JSON, usage);
  }

  /** What obtaining the missing vectors cost. */
  public record Usage(long apiCalls, long tokens, long throttled, long retries) {

    /** What a tracker counted while the vectors were bought. */
    public static Usage of(Progress progress) {
      return new Usage(
          progress.apiCalls(), progress.tokens(), progress.throttled(), progress.retries());
    }
  }
}
