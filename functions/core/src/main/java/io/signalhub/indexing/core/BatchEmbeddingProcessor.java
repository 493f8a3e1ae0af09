package io.signalhub.indexing.core;

import io.signalhub.indexing.core.batch.Batch;
import io.signalhub.indexing.core.batch.BatchBounds;
import io.signalhub.indexing.core.batch.Batcher;
import io.signalhub.indexing.core.cache.CacheKey;
import io.signalhub.indexing.core.cache.EmbeddingCache;
import io.signalhub.indexing.core.cache.InMemoryEmbeddingCache;
import io.signalhub.indexing.core.chunk.Chunk;
import io.signalhub.indexing.core.progress.Progress;
import io.signalhub.indexing.core.progress.ProgressTracker;
import io.signalhub.indexing.core.provider.EmbeddingException;
import io.signalhub.indexing.core.provider.EmbeddingProvider;
import io.signalhub.indexing.core.provider.EmbeddingProviders;
import io.signalhub.indexing.core.provider.ProviderSettings;
import io.signalhub.indexing.core.ratelimit.AdaptiveRateLimiter;
import io.signalhub.indexing.core.ratelimit.LocalRateBudget;
import io.signalhub.indexing.core.ratelimit.RateBudget;
import io.signalhub.indexing.core.ratelimit.RateLimiter;
import io.signalhub.indexing.core.retry.BackoffPolicy;
import io.signalhub.indexing.core.retry.RetryingCaller;
import io.signalhub.indexing.core.retry.Sleeper;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

/**
 * Embeds chunks in token-budgeted batches with retries, rate limiting, caching and live progress.
 * The Java successor of the original Python {@code BatchEmbeddingProcessor}: same knobs and
 * defaults ({@code batchSize} 100, {@code maxRetries} 3, {@code retryDelay} 1 s, {@code
 * maxConcurrentBatches} 5), same two entry points.
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
    int batchSize = b.batchSize != null ? b.batchSize : defaultBatchSize();
    this.batcher =
        new Batcher<>(
            BatchBounds.forProvider(provider.limits(), batchSize, tokenBudget(b)),
            item -> item.chunk().tokens(),
            item -> Batcher.jsonStringBytes(item.chunk().text()));
    BackoffPolicy backoff = new BackoffPolicy(b.retryDelay, b.maxRetryDelay, b.random);
    RateLimiter limiter =
        b.rateLimiter != null
            ? b.rateLimiter
            : new AdaptiveRateLimiter(
                b.requestsPerMinute > 0 || b.tokensPerMinute > 0
                    ? new LocalRateBudget(
                        RateBudget.spendable(b.requestsPerMinute),
                        RateBudget.spendable(b.tokensPerMinute),
                        b.clock)
                    : RateBudget.unlimited(),
                b.maxConcurrentBatches,
                b.clock,
                b.sleeper);
    this.embedder =
        new ProviderCaller(provider, new RetryingCaller(b.maxRetries, backoff, b.sleeper), limiter);
    this.cache = b.cache != null ? b.cache : new InMemoryEmbeddingCache(b.cacheEntries);
    this.oversizePolicy = b.oversizePolicy;
    this.maxConcurrentBatches = b.maxConcurrentBatches;
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
    return Multi.createFrom().deferred(() -> new Run(chunks, listener).progress());
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

  private static int defaultBatchSize() {
    String value = System.getenv("SIGNAL_HUB_EMBEDDING_BATCH_SIZE");
    return value == null || value.isBlank() ? 100 : Integer.parseInt(value.trim());
  }

  /** A chunk on its way: its position in the input and its content key. */
  private record WorkItem(long ordinal, Chunk chunk, String key) {}

  /** Chunks waiting for an identical chunk already in flight. */
  private static final class InFlight {
    private final List<WorkItem> followers = new ArrayList<>();
    private ChunkResult outcome;

    synchronized boolean follow(WorkItem item) {
      if (outcome == null) {
        followers.add(item);
        return true;
      }
      return false;
    }

    synchronized List<WorkItem> resolve(ChunkResult result) {
      outcome = result;
      return List.copyOf(followers);
    }

    synchronized ChunkResult outcome() {
      return outcome;
    }
  }

  /** One call of processWithProgress: its own counters, threads and in-flight index. */
  private final class Run {
    private final Iterable<Chunk> source;
    private final Consumer<ChunkResult> listener;
    private final ProgressTracker tracker = new ProgressTracker(clock, progressWindow);
    private final Map<String, InFlight> inFlight = new ConcurrentHashMap<>();
    private final ExecutorService pool =
        Executors.newFixedThreadPool(
            maxConcurrentBatches,
            task -> {
              Thread thread = new Thread(task, "embed-batch");
              thread.setDaemon(true);
              return thread;
            });
    private Progress lastEmitted;

    Run(Iterable<Chunk> source, Consumer<ChunkResult> listener) {
      this.source = source;
      this.listener = listener;
      if (source instanceof Collection<?> known) {
        tracker.addTotal(known.size());
        tracker.markTotalFinal();
      }
    }

    Multi<Progress> progress() {
      Iterator<Batch<WorkItem>> batches = batcher.batches(new Planner(source.iterator()));
      return Multi.createFrom()
          .iterable(() -> batches)
          .onItem()
          .transformToUni(
              batch -> Uni.createFrom().item(() -> embedBatch(batch)).runSubscriptionOn(pool))
          .merge(maxConcurrentBatches)
          // snapshots are taken where merge has serialized the batches, so counts never go back
          .onItem()
          .transform(batch -> emitted(tracker.snapshot()))
          .onCompletion()
          .switchTo(this::finalProgress)
          .onTermination()
          .invoke(pool::shutdownNow);
    }

    private Multi<Progress> finalProgress() {
      Progress last = tracker.snapshot();
      boolean changed =
          lastEmitted == null
              || last.done() != lastEmitted.done()
              || last.total() != lastEmitted.total()
              || last.totalFinal() != lastEmitted.totalFinal();
      return changed ? Multi.createFrom().item(last) : Multi.createFrom().empty();
    }

    private Progress emitted(Progress progress) {
      lastEmitted = progress;
      return progress;
    }

    private Batch<WorkItem> embedBatch(Batch<WorkItem> batch) {
      Map<String, float[]> hits =
          cache.getAll(batch.items().stream().map(WorkItem::key).distinct().toList());
      List<WorkItem> misses = new ArrayList<>();
      for (WorkItem item : batch.items()) {
        float[] hit = hits.get(item.key());
        if (hit != null) {
          resolve(item, new ChunkResult(item.ordinal(), item.chunk(), hit, null, true));
        } else {
          misses.add(item);
        }
      }
      if (!misses.isEmpty()) {
        embedMisses(misses);
      }
      tracker.batchProcessed();
      return batch;
    }

    private void embedMisses(List<WorkItem> misses) {
      List<ProviderCaller.Input> inputs =
          misses.stream()
              .map(item -> new ProviderCaller.Input(item.chunk().text(), item.chunk().tokens()))
              .toList();
      List<ProviderCaller.Outcome> outcomes;
      try {
        outcomes = embedder.embed(inputs, tracker);
      } catch (EmbeddingException e) {
        if (e.kind() == EmbeddingException.Kind.FATAL) {
          throw e;
        }
        String reason = "gave up after retries: " + e.getMessage();
        misses.forEach(
            item ->
                resolve(item, new ChunkResult(item.ordinal(), item.chunk(), null, reason, false)));
        return;
      }
      Map<String, float[]> fresh = new HashMap<>();
      for (int i = 0; i < misses.size(); i++) {
        WorkItem item = misses.get(i);
        ProviderCaller.Outcome outcome = outcomes.get(i);
        if (outcome.succeeded()) {
          fresh.put(item.key(), outcome.vector());
        }
      }
      cache.putAll(fresh);
      for (int i = 0; i < misses.size(); i++) {
        WorkItem item = misses.get(i);
        ProviderCaller.Outcome outcome = outcomes.get(i);
        resolve(
            item,
            new ChunkResult(
                item.ordinal(), item.chunk(), outcome.vector(), outcome.failure(), false));
      }
    }

    /** Reports a result, then the same result to every identical chunk that waited for it. */
    private void resolve(WorkItem item, ChunkResult result) {
      report(result);
      InFlight entry = inFlight.remove(item.key());
      if (entry != null) {
        for (WorkItem follower : entry.resolve(result)) {
          report(
              new ChunkResult(
                  follower.ordinal(),
                  follower.chunk(),
                  result.vector(),
                  result.failure(),
                  result.succeeded()));
        }
      }
    }

    private void report(ChunkResult result) {
      if (result.succeeded()) {
        if (result.cached()) {
          tracker.cached(1);
        } else {
          tracker.completed(1);
        }
      } else {
        tracker.failed(result.chunk().location(), result.failure());
      }
      listener.accept(result);
    }

    /**
     * Pulls chunks lazily: counts tokens where unknown, applies the oversize policy, and holds back
     * a chunk whose identical twin is already in flight.
     */
    private final class Planner implements Iterator<WorkItem> {
      private final Iterator<Chunk> chunks;
      private final boolean countTotal;
      private long ordinal;
      private WorkItem next;

      Planner(Iterator<Chunk> chunks) {
        this.chunks = chunks;
        this.countTotal = !(source instanceof Collection<?>);
      }

      @Override
      public boolean hasNext() {
        while (next == null && chunks.hasNext()) {
          next = plan(chunks.next(), ordinal++);
        }
        if (next == null && countTotal) {
          tracker.markTotalFinal();
        }
        return next != null;
      }

      @Override
      public WorkItem next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        WorkItem item = next;
        next = null;
        return item;
      }

      /** The item to batch, or null when the chunk is settled or waits for its twin. */
      private WorkItem plan(Chunk chunk, long position) {
        if (countTotal) {
          tracker.addTotal(1);
        }
        Chunk sized =
            chunk.tokens() >= 0
                ? chunk
                : chunk.withTokens(provider.tokenCounter().count(chunk.text()));
        int limit = batcher.bounds().maxTokensPerItem();
        if (sized.tokens() > limit
            || sized.text().length() > provider.limits().maxCharsPerInput()) {
          if (oversizePolicy == OversizePolicy.FAIL) {
            report(
                new ChunkResult(
                    position,
                    sized,
                    null,
                    "chunk has %d tokens, over the model's limit of %d"
                        .formatted(sized.tokens(), limit),
                    false));
            return null;
          }
          sized = truncate(sized, limit);
          tracker.truncated();
        }
        if (sized.text().isEmpty()) {
          report(new ChunkResult(position, sized, null, "chunk is empty", false));
          return null;
        }
        WorkItem item =
            new WorkItem(
                position,
                sized,
                CacheKey.of(provider.model(), provider.dimensions(), sized.text()));
        InFlight fresh = new InFlight();
        InFlight existing = inFlight.putIfAbsent(item.key(), fresh);
        if (existing == null) {
          return item;
        }
        if (existing.follow(item)) {
          return null;
        }
        ChunkResult twin = existing.outcome();
        report(new ChunkResult(position, sized, twin.vector(), twin.failure(), twin.succeeded()));
        return null;
      }

      private Chunk truncate(Chunk chunk, int limit) {
        String text = provider.tokenCounter().truncate(chunk.text(), limit);
        int maxChars = provider.limits().maxCharsPerInput();
        if (text.length() > maxChars) {
          text = text.substring(0, maxChars);
        }
        return chunk.withText(text, provider.tokenCounter().count(text));
      }
    }
  }

  /** All knobs, with the original's defaults. */
  public static final class Builder {
    private EmbeddingProvider provider;
    private Integer batchSize;
    private long maxTokensPerBatch;
    private int maxRetries = 3;
    private Duration retryDelay = Duration.ofSeconds(1);
    private Duration maxRetryDelay = Duration.ofSeconds(60);
    private int maxConcurrentBatches = 5;
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

    /** Most chunks per request; default 100 or {@code SIGNAL_HUB_EMBEDDING_BATCH_SIZE}. */
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

    /** Batches in flight; also the adaptive limiter's ceiling; default 5. */
    public Builder maxConcurrentBatches(int value) {
      maxConcurrentBatches = positive(value, "maxConcurrentBatches");
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
