package io.signalhub.indexing.core;

import io.signalhub.indexing.core.batch.BatchBounds;
import io.signalhub.indexing.core.batch.Batcher;
import io.signalhub.indexing.core.batch.RequestSizer;
import io.signalhub.indexing.core.cache.EmbeddingCache;
import io.signalhub.indexing.core.chunk.Chunk;
import io.signalhub.indexing.core.progress.Progress;
import io.signalhub.indexing.core.progress.ProgressTracker;
import io.signalhub.indexing.core.provider.EmbeddingException;
import io.signalhub.indexing.core.provider.EmbeddingProvider;
import io.smallrye.mutiny.Multi;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Embeds chunks in token-budgeted batches with retries, rate limiting, caching and live progress.
 * The Java successor of the original Python {@code BatchEmbeddingProcessor}: same knobs, same two
 * entry points; its constructor keeps the original's defaults ({@code batchSize} 100, {@code
 * maxRetries} 3, {@code retryDelay} 1 s, {@code maxConcurrentBatches} 5).
 *
 * <p>Built with no {@code batchSize} (and no {@code SIGNAL_HUB_EMBEDDING_BATCH_SIZE}), requests are
 * sized by the provider ({@link RequestSizer}): up to its per-request limits (OpenAI: 2,048 inputs,
 * 300,000 tokens), never above what the quota lets one request carry nor what the provider answers
 * within {@code latencyTarget} (default 2 s), starting small and doubling as answers come back; up
 * to {@value #AUTO_MAX_CONCURRENT_BATCHES} of them in flight unless {@code maxConcurrentBatches}
 * says otherwise.
 *
 * <pre>{@code
 * var processor = BatchEmbeddingProcessor.builder().batchSize(256).build();
 * processor.processWithProgress(chunks)
 *     .subscribe().with(p -> System.out.printf("%.0f%% %.1f chunks/s%n", p.percent(), p.chunksPerSecond()));
 * }</pre>
 *
 * <p>Chunks are pulled lazily, at most {@code maxConcurrentBatches} batches are in flight, and
 * vectors go to the {@code onResult} listener as batches finish: memory does not grow with the
 * input. Identical texts in a run are embedded once; cache hits cost no API call.
 */
public final class BatchEmbeddingProcessor implements AutoCloseable {

  /**
   * Requests in flight when requests are sized by the provider and nobody set {@code
   * maxConcurrentBatches}: the adaptive limiter's ceiling (it halves at a 429, the quota paces the
   * tokens, the requests/min quota caps it), so a provider without a binding quota is not left
   * waiting on five requests while the same work could go as eight.
   */
  public static final int AUTO_MAX_CONCURRENT_BATCHES = 8;

  /**
   * Fixed batch size of the original constructor and of {@code SIGNAL_HUB_EMBEDDING_BATCH_SIZE}.
   */
  static final int ORIGINAL_BATCH_SIZE = 100;

  static final int ORIGINAL_MAX_CONCURRENT_BATCHES = 5;

  private final EmbeddingProvider provider;
  private final boolean ownsProvider;
  private final Batcher<WorkItem> batcher;
  private final ProviderCaller embedder;
  private final EmbeddingCache cache;
  private final OversizePolicy oversizePolicy;
  private final int maxConcurrentBatches;
  private final Clock clock;
  private final Duration progressWindow;
  private final Consumer<ChunkResult> onResult;

  /**
   * The original constructor's shape.
   *
   * @param batchSize most chunks per request (the provider's limits may make batches smaller)
   * @param maxRetries retries of a failed request
   * @param retryDelay first retry's delay ceiling; later ones double, with full jitter
   * @param maxConcurrentBatches batches in flight at once
   * @param provider the embedding provider
   */
  public BatchEmbeddingProcessor(
      int batchSize,
      int maxRetries,
      Duration retryDelay,
      int maxConcurrentBatches,
      EmbeddingProvider provider) {
    // provider and batch size given: nothing is read from the environment
    this(
        builder()
            .batchSize(batchSize)
            .maxRetries(maxRetries)
            .retryDelay(retryDelay)
            .maxConcurrentBatches(maxConcurrentBatches)
            .provider(provider)
            .settings,
        Map.of());
  }

  private BatchEmbeddingProcessor(ProcessorSettings settings, Map<String, String> environment) {
    this(settings, settings.wire(environment));
  }

  private BatchEmbeddingProcessor(ProcessorSettings settings, ProcessorSettings.Parts parts) {
    this.provider = parts.provider();
    this.ownsProvider = parts.ownsProvider();
    this.batcher = parts.batcher();
    this.embedder = parts.embedder();
    this.cache = parts.cache();
    this.maxConcurrentBatches = parts.maxConcurrentBatches();
    this.oversizePolicy = settings.oversizePolicy;
    this.clock = settings.calls.clock;
    this.progressWindow = settings.progressWindow;
    this.onResult = settings.onResult;
  }

  public static Builder builder() {
    return new Builder();
  }

  public EmbeddingProvider provider() {
    return provider;
  }

  /** The bounds every request respects: the provider's limits narrowed by the configuration. */
  public BatchBounds batchBounds() {
    return batcher.bounds();
  }

  /**
   * Embeds the chunks, emitting one progress value per finished batch and a final one. Nothing
   * happens until subscription; cancelling stops pulling chunks.
   */
  public Multi<Progress> processWithProgress(Iterable<Chunk> chunks) {
    return processWithProgress(chunks, onResult);
  }

  /**
   * Embeds the chunks and returns their vectors in input order, calling {@code callback} with
   * progress after every batch.
   *
   * @throws PartialEmbeddingFailureException if any chunk failed for good (it carries the rest)
   * @throws EmbeddingException if the provider fails fatally (bad key, unknown model)
   */
  public List<float[]> processChunks(List<Chunk> chunks, Consumer<Progress> callback) {
    float[][] vectors = new float[chunks.size()][];
    List<String> failures = new ArrayList<>();
    Consumer<ChunkResult> collect =
        result -> {
          if (result.succeeded()) {
            vectors[(int) result.ordinal()] = result.vector();
          } else {
            synchronized (failures) {
              failures.add(result.chunk().location() + ": " + result.failure());
            }
          }
          onResult.accept(result);
        };
    processWithProgress(chunks, collect)
        .onItem()
        .invoke(callback)
        .collect()
        .last()
        .await()
        .indefinitely();
    List<float[]> result = java.util.Arrays.asList(vectors);
    if (!failures.isEmpty()) {
      throw new PartialEmbeddingFailureException(result, failures);
    }
    return result;
  }

  @Override
  public void close() {
    if (ownsProvider) {
      provider.close();
    }
  }

  private Multi<Progress> processWithProgress(
      Iterable<Chunk> chunks, Consumer<ChunkResult> listener) {
    Objects.requireNonNull(chunks, "chunks");
    return Multi.createFrom()
        .deferred(
            () ->
                new EmbeddingRun(
                        chunks,
                        listener,
                        new ProgressTracker(clock, progressWindow),
                        new EmbeddingRun.Engine(
                            provider,
                            batcher,
                            embedder,
                            cache,
                            oversizePolicy,
                            maxConcurrentBatches))
                    .progress());
  }

  /** All knobs, with the original's defaults. */
  public static final class Builder extends ProviderCallOptions<Builder> {
    private final ProcessorSettings settings = new ProcessorSettings(this);

    private Builder() {}

    /** The provider; default: the one {@code SIGNAL_HUB_EMBEDDING_PROVIDER} names (local). */
    public Builder provider(EmbeddingProvider value) {
      settings.provider = required(value, "provider");
      return this;
    }

    /**
     * Most chunks per request; default {@code SIGNAL_HUB_EMBEDDING_BATCH_SIZE}, else none: requests
     * are sized by the provider, its quota and {@link #latencyTarget}.
     */
    public Builder batchSize(int value) {
      settings.batchSize = ProcessorSettings.positive(value, "batchSize");
      return this;
    }

    /** Most tokens per request; default 0 = the provider's limit. */
    public Builder maxTokensPerBatch(long value) {
      settings.maxTokensPerBatch = value;
      return this;
    }

    /**
     * Batches in flight; also the adaptive limiter's ceiling; default 5 with a {@code batchSize},
     * {@value BatchEmbeddingProcessor#AUTO_MAX_CONCURRENT_BATCHES} when requests are sized by the
     * provider.
     */
    public Builder maxConcurrentBatches(int value) {
      settings.maxConcurrentBatches = ProcessorSettings.positive(value, "maxConcurrentBatches");
      return this;
    }

    /**
     * How long one request may take at the provider, when requests are sized by it (no {@code
     * batchSize}); default 2 s. Longer: fewer, larger requests; shorter: a retry re-sends less.
     */
    public Builder latencyTarget(Duration value) {
      settings.latencyTarget = required(value, "latencyTarget");
      if (value.isZero() || value.isNegative()) {
        throw new IllegalArgumentException("latencyTarget must be positive, was " + value);
      }
      return this;
    }

    /** The provider's requests/min limit; default 0 = not limited client-side. */
    public Builder requestsPerMinute(long value) {
      settings.requestsPerMinute = value;
      return this;
    }

    /** The provider's tokens/min limit; default 0 = not limited client-side. */
    public Builder tokensPerMinute(long value) {
      settings.tokensPerMinute = value;
      return this;
    }

    /** Where vectors are looked up before paying for them; default in-memory. */
    public Builder cache(EmbeddingCache value) {
      settings.cache = value;
      return this;
    }

    /**
     * Size of the default in-memory cache; default 10,000 vectors (about 60 MB at 1,536
     * dimensions).
     */
    public Builder cacheEntries(int value) {
      settings.cacheEntries = ProcessorSettings.positive(value, "cacheEntries");
      return this;
    }

    public Builder oversizePolicy(OversizePolicy value) {
      settings.oversizePolicy = required(value, "oversizePolicy");
      return this;
    }

    /** Window of the chunks/s rate; default 30 s. */
    public Builder progressWindow(Duration value) {
      settings.progressWindow = required(value, "progressWindow");
      return this;
    }

    /** Receives every chunk's vector or failure as batches finish. */
    public Builder onResult(Consumer<ChunkResult> value) {
      settings.onResult = required(value, "onResult");
      return this;
    }

    /**
     * The processor; settings left unset come from the process's environment ({@code
     * SIGNAL_HUB_EMBEDDING_PROVIDER} and its variables, {@code SIGNAL_HUB_EMBEDDING_BATCH_SIZE}).
     */
    public BatchEmbeddingProcessor build() {
      return build(System.getenv());
    }

    /** The processor, with {@code environment} standing in for the process's. */
    BatchEmbeddingProcessor build(Map<String, String> environment) {
      return new BatchEmbeddingProcessor(settings, environment);
    }
  }
}
