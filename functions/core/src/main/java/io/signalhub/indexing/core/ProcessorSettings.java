package io.signalhub.indexing.core;

import io.signalhub.indexing.core.batch.BatchBounds;
import io.signalhub.indexing.core.batch.Batcher;
import io.signalhub.indexing.core.batch.RequestSizer;
import io.signalhub.indexing.core.cache.EmbeddingCache;
import io.signalhub.indexing.core.cache.InMemoryEmbeddingCache;
import io.signalhub.indexing.core.provider.EmbeddingProvider;
import io.signalhub.indexing.core.provider.EmbeddingProviders;
import io.signalhub.indexing.core.provider.ProviderSettings;
import io.signalhub.indexing.core.ratelimit.LocalRateBudget;
import io.signalhub.indexing.core.ratelimit.RateBudget;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * What {@link BatchEmbeddingProcessor.Builder} collects, with the original's defaults, and how it
 * is wired into the parts a processor runs with. The environment comes in as a map: only the public
 * factory ({@link BatchEmbeddingProcessor.Builder#build()}) reads the process's.
 */
final class ProcessorSettings {

  /** Environment variable of the original's fixed batch size. */
  static final String BATCH_SIZE_VARIABLE = "SIGNAL_HUB_EMBEDDING_BATCH_SIZE";

  /** Retries, jitter, a shared limiter, clock and sleeper: set on the builder itself. */
  final ProviderCallOptions<?> calls;

  EmbeddingProvider provider;
  Integer batchSize;
  long maxTokensPerBatch;
  Integer maxConcurrentBatches;
  Duration latencyTarget = Duration.ofSeconds(2);
  long requestsPerMinute;
  long tokensPerMinute;
  EmbeddingCache cache;
  int cacheEntries = 10_000;
  OversizePolicy oversizePolicy = OversizePolicy.TRUNCATE;
  Duration progressWindow = Duration.ofSeconds(30);
  Consumer<ChunkResult> onResult = result -> {};

  ProcessorSettings(ProviderCallOptions<?> calls) {
    this.calls = calls;
  }

  /** The parts a processor runs with. */
  record Parts(
      EmbeddingProvider provider,
      boolean ownsProvider,
      Batcher<WorkItem> batcher,
      ProviderCaller embedder,
      EmbeddingCache cache,
      int maxConcurrentBatches) {}

  /**
   * Wires the parts; {@code environment} supplies the provider (when none was set) and {@code
   * SIGNAL_HUB_EMBEDDING_BATCH_SIZE} (when no batch size was set).
   */
  Parts wire(Map<String, String> environment) {
    boolean ownsProvider = this.provider == null;
    EmbeddingProvider provider =
        ownsProvider
            ? EmbeddingProviders.create(ProviderSettings.fromEnvironment(environment))
            : this.provider;
    Integer batchSize = this.batchSize != null ? this.batchSize : batchSizeFrom(environment);
    int concurrency =
        maxConcurrentBatches != null
            ? maxConcurrentBatches
            : batchSize == null
                ? BatchEmbeddingProcessor.AUTO_MAX_CONCURRENT_BATCHES
                : BatchEmbeddingProcessor.ORIGINAL_MAX_CONCURRENT_BATCHES;
    ProviderCaller[] caller = new ProviderCaller[1];
    RequestSizer sizer =
        batchSize == null
            ? new RequestSizer(
                provider.limits(),
                tokenBudget(),
                latencyTarget,
                // what the quota lets one request carry now, configured or learned by the limiter
                () -> caller[0].requestTokenCap())
            : null;
    Batcher<WorkItem> batcher =
        sizer != null
            ? new Batcher<>(sizer::next, WorkItem::tokens, WorkItem::jsonBytes)
            : new Batcher<>(
                BatchBounds.forProvider(provider.limits(), batchSize, tokenBudget()),
                WorkItem::tokens,
                WorkItem::jsonBytes);
    caller[0] =
        calls.caller(
            provider,
            requestsPerMinute > 0 || tokensPerMinute > 0
                ? new LocalRateBudget(
                    RateBudget.spendable(requestsPerMinute),
                    RateBudget.spendable(tokensPerMinute),
                    calls.clock)
                : RateBudget.unlimited(),
            concurrency,
            sizer == null
                ? ProviderCaller.AnswerListener.NONE
                : (inputs, tokens, latency) -> sizer.answered(tokens, latency));
    return new Parts(
        provider,
        ownsProvider,
        batcher,
        caller[0],
        cache != null ? cache : new InMemoryEmbeddingCache(cacheEntries),
        concurrency);
  }

  /**
   * Most tokens per batch: the configured budget, never above the tokens/min quota (a batch larger
   * than the whole quota can never be served). Quotas learned while running cut batches further, in
   * {@link ProviderCaller}.
   */
  private long tokenBudget() {
    long quota = RateBudget.batchTokenBudget(tokensPerMinute);
    if (maxTokensPerBatch > 0 && quota > 0) {
      return Math.min(maxTokensPerBatch, quota);
    }
    return Math.max(maxTokensPerBatch, quota);
  }

  /** The original's variable, if set; else null: requests are sized by the provider. */
  private static Integer batchSizeFrom(Map<String, String> environment) {
    String value = environment.get(BATCH_SIZE_VARIABLE);
    return value == null || value.isBlank() ? null : Integer.parseInt(value.trim());
  }

  static int positive(int value, String name) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, was " + value);
    }
    return value;
  }
}
