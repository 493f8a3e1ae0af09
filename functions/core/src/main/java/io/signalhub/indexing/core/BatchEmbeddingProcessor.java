package io.signalhub.indexing.core;

import io.signalhub.indexing.core.batch.BatchBounds;
import io.signalhub.indexing.core.batch.Batcher;
import io.signalhub.indexing.core.batch.RequestSizer;
import io.signalhub.indexing.core.cache.EmbeddingCache;
import io.signalhub.indexing.core.cache.InMemoryEmbeddingCache;
import io.signalhub.indexing.core.chunk.Chunk;
import io.signalhub.indexing.core.progress.Progress;
import io.signalhub.indexing.core.progress.ProgressTracker;
import io.signalhub.indexing.core.provider.EmbeddingException;
import io.signalhub.indexing.core.provider.EmbeddingProvider;
import io.signalhub.indexing.core.provider.EmbeddingProviders;
import io.signalhub.indexing.core.provider.ProviderSettings;
import io.signalhub.indexing.core.ratelimit.LocalRateBudget;
import io.signalhub.indexing.core.ratelimit.RateBudget;
import io.signalhub.indexing.core.ratelimit.RateLimiter;
import io.signalhub.indexing.core.retry.Sleeper;
import io.smallrye.mutiny.Multi;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

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
    this(
        builder()
            .batchSize(batchSize)
            .maxRetries(maxRetries)
            .retryDelay(retryDelay)
            .maxConcurrentBatches(maxConcurrentBatches)
            .provider(provider));
  }

  private BatchEmbeddingProcessor(Builder b) {
    this.ownsProvider = b.provider == null;
    this.provider =
        b.provider != null
            ? b.provider
            : EmbeddingProviders.create(ProviderSettings.fromEnvironment(System.getenv()));
    Integer batchSize = b.batchSize != null ? b.batchSize : batchSizeFromEnvironment();
    this.maxConcurrentBatches =
        b.maxConcurrentBatches != null
            ? b.maxConcurrentBatches
            : batchSize == null ? AUTO_MAX_CONCURRENT_BATCHES : ORIGINAL_MAX_CONCURRENT_BATCHES;
    RequestSizer sizer =
        batchSize == null
            ? new RequestSizer(
                provider.limits(), tokenBudget(b), b.latencyTarget, this::requestTokenCap)
            : null;
    this.batcher =
        sizer != null
            ? new Batcher<>(sizer::next, WorkItem::tokens, WorkItem::jsonBytes)
            : new Batcher<>(
                BatchBounds.forProvider(provider.limits(), batchSize, tokenBudget(b)),
                WorkItem::tokens,
                WorkItem::jsonBytes);
    this.embedder =
        ProviderCaller.builder(provider)
            .maxRetries(b.maxRetries)
            .retryDelays(b.retryDelay, b.maxRetryDelay)
            .random(b.random)
            .budget(
                b.requestsPerMinute > 0 || b.tokensPerMinute > 0
                    ? new LocalRateBudget(
                        RateBudget.spendable(b.requestsPerMinute),
                        RateBudget.spendable(b.tokensPerMinute),
                        b.clock)
                    : RateBudget.unlimited())
            .maxConcurrency(maxConcurrentBatches)
            .rateLimiter(b.rateLimiter)
            .clock(b.clock)
            .sleeper(b.sleeper)
            .answerListener(
                sizer == null
                    ? ProviderCaller.AnswerListener.NONE
                    : (inputs, tokens, latency) -> sizer.answered(tokens, latency))
            .build();
    this.cache = b.cache != null ? b.cache : new InMemoryEmbeddingCache(b.cacheEntries);
    this.oversizePolicy = b.oversizePolicy;
    this.clock = b.clock;
    this.progressWindow = b.progressWindow;
    this.onResult = b.onResult;
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

  /**
   * Most tokens per batch: the configured budget, never above the tokens/min quota (a batch larger
   * than the whole quota can never be served). Quotas learned while running cut batches further, in
   * {@link ProviderCaller}.
   */
  private static long tokenBudget(Builder b) {
    long quota = RateBudget.batchTokenBudget(b.tokensPerMinute);
    if (b.maxTokensPerBatch > 0 && quota > 0) {
      return Math.min(b.maxTokensPerBatch, quota);
    }
    return Math.max(b.maxTokensPerBatch, quota);
  }

  /** What the quota lets one request carry now, configured or learned by the limiter. */
  private long requestTokenCap() {
    return embedder.requestTokenCap();
  }

  /** The original's variable, if set; else null: requests are sized by the provider. */
  private static Integer batchSizeFromEnvironment() {
    String value = System.getenv("SIGNAL_HUB_EMBEDDING_BATCH_SIZE");
    return value == null || value.isBlank() ? null : Integer.parseInt(value.trim());
  }

  /** All knobs, with the original's defaults. */
  public static final class Builder {
    private EmbeddingProvider provider;
    private Integer batchSize;
    private long maxTokensPerBatch;
    private int maxRetries = 3;
    private Duration retryDelay = Duration.ofSeconds(1);
    private Duration maxRetryDelay = Duration.ofSeconds(60);
    private Integer maxConcurrentBatches;
    private Duration latencyTarget = Duration.ofSeconds(2);
    private long requestsPerMinute;
    private long tokensPerMinute;
    private RateLimiter rateLimiter;
    private EmbeddingCache cache;
    private int cacheEntries = 10_000;
    private OversizePolicy oversizePolicy = OversizePolicy.TRUNCATE;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.system();
    private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
    private Duration progressWindow = Duration.ofSeconds(30);
    private Consumer<ChunkResult> onResult = result -> {};

    private Builder() {}

    /** The provider; default: the one {@code SIGNAL_HUB_EMBEDDING_PROVIDER} names (local). */
    public Builder provider(EmbeddingProvider value) {
      provider = Objects.requireNonNull(value, "provider must be set");
      return this;
    }

    /**
     * Most chunks per request; default {@code SIGNAL_HUB_EMBEDDING_BATCH_SIZE}, else none: requests
     * are sized by the provider, its quota and {@link #latencyTarget}.
     */
    public Builder batchSize(int value) {
      batchSize = positive(value, "batchSize");
      return this;
    }

    /** Most tokens per request; default 0 = the provider's limit. */
    public Builder maxTokensPerBatch(long value) {
      maxTokensPerBatch = value;
      return this;
    }

    /** Retries of a retryable failure (429, 5xx, timeout); default 3. */
    public Builder maxRetries(int value) {
      if (value < 0) {
        throw new IllegalArgumentException("maxRetries must be >= 0, was " + value);
      }
      maxRetries = value;
      return this;
    }

    /** Ceiling of the first retry delay; default 1 s. */
    public Builder retryDelay(Duration value) {
      retryDelay = Objects.requireNonNull(value, "retryDelay must be set");
      return this;
    }

    /** Cap of the retry delay; default 60 s. A longer Retry-After is still honoured. */
    public Builder maxRetryDelay(Duration value) {
      maxRetryDelay = Objects.requireNonNull(value, "maxRetryDelay must be set");
      return this;
    }

    /**
     * Batches in flight; also the adaptive limiter's ceiling; default 5 with a {@code batchSize},
     * {@value BatchEmbeddingProcessor#AUTO_MAX_CONCURRENT_BATCHES} when requests are sized by the
     * provider.
     */
    public Builder maxConcurrentBatches(int value) {
      maxConcurrentBatches = positive(value, "maxConcurrentBatches");
      return this;
    }

    /**
     * How long one request may take at the provider, when requests are sized by it (no {@code
     * batchSize}); default 2 s. Longer: fewer, larger requests; shorter: a retry re-sends less.
     */
    public Builder latencyTarget(Duration value) {
      latencyTarget = Objects.requireNonNull(value, "latencyTarget must be set");
      if (value.isZero() || value.isNegative()) {
        throw new IllegalArgumentException("latencyTarget must be positive, was " + value);
      }
      return this;
    }

    /** The provider's requests/min limit; default 0 = not limited client-side. */
    public Builder requestsPerMinute(long value) {
      requestsPerMinute = value;
      return this;
    }

    /** The provider's tokens/min limit; default 0 = not limited client-side. */
    public Builder tokensPerMinute(long value) {
      tokensPerMinute = value;
      return this;
    }

    /** A limiter shared with others (e.g. across processes); replaces the per-minute knobs. */
    public Builder rateLimiter(RateLimiter value) {
      rateLimiter = value;
      return this;
    }

    /** Where vectors are looked up before paying for them; default in-memory. */
    public Builder cache(EmbeddingCache value) {
      cache = value;
      return this;
    }

    /**
     * Size of the default in-memory cache; default 10,000 vectors (about 60 MB at 1,536
     * dimensions).
     */
    public Builder cacheEntries(int value) {
      cacheEntries = positive(value, "cacheEntries");
      return this;
    }

    public Builder oversizePolicy(OversizePolicy value) {
      oversizePolicy = Objects.requireNonNull(value, "oversizePolicy must be set");
      return this;
    }

    public Builder clock(Clock value) {
      clock = Objects.requireNonNull(value, "clock must be set");
      return this;
    }

    public Builder sleeper(Sleeper value) {
      sleeper = Objects.requireNonNull(value, "sleeper must be set");
      return this;
    }

    /** Uniform [0, 1) values for backoff jitter. */
    public Builder random(DoubleSupplier value) {
      random = Objects.requireNonNull(value, "random must be set");
      return this;
    }

    /** Window of the chunks/s rate; default 30 s. */
    public Builder progressWindow(Duration value) {
      progressWindow = Objects.requireNonNull(value, "progressWindow must be set");
      return this;
    }

    /** Receives every chunk's vector or failure as batches finish. */
    public Builder onResult(Consumer<ChunkResult> value) {
      onResult = Objects.requireNonNull(value, "onResult must be set");
      return this;
    }

    public BatchEmbeddingProcessor build() {
      return new BatchEmbeddingProcessor(this);
    }

    private static int positive(int value, String name) {
      if (value < 1) {
        throw new IllegalArgumentException(name + " must be >= 1, was " + value);
      }
      return value;
    }
  }
}
