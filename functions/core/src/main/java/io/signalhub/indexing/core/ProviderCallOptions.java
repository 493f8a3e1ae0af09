package io.signalhub.indexing.core;

import io.signalhub.indexing.core.provider.EmbeddingProvider;
import io.signalhub.indexing.core.ratelimit.AdaptiveRateLimiter;
import io.signalhub.indexing.core.ratelimit.RateBudget;
import io.signalhub.indexing.core.ratelimit.RateLimiter;
import io.signalhub.indexing.core.retry.BackoffPolicy;
import io.signalhub.indexing.core.retry.RetryingCaller;
import io.signalhub.indexing.core.retry.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * How the provider is called: retries and their delays, the backoff's jitter, a shared limiter, the
 * clock and the sleeper. The knobs {@link ProviderCaller.Builder} (the embedder function's wiring)
 * and {@link BatchEmbeddingProcessor.Builder} (the library's) have in common, set and checked here
 * once, with the library's defaults.
 *
 * @param <B> the builder the setters return
 */
public abstract class ProviderCallOptions<B extends ProviderCallOptions<B>> {

  int maxRetries = 3;
  Duration retryDelay = Duration.ofSeconds(1);
  Duration maxRetryDelay = Duration.ofSeconds(60);
  DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();
  RateLimiter rateLimiter;
  Clock clock = Clock.systemUTC();
  Sleeper sleeper = Sleeper.system();

  /** Only this package's builders extend it. */
  ProviderCallOptions() {}

  /** Retries of a retryable failure (429, 5xx, timeout); default 3. */
  public B maxRetries(int value) {
    if (value < 0) {
      throw new IllegalArgumentException("maxRetries must be >= 0, was " + value);
    }
    maxRetries = value;
    return self();
  }

  /** Ceiling of the first retry delay; default 1 s. */
  public B retryDelay(Duration value) {
    retryDelay = required(value, "retryDelay");
    return self();
  }

  /** Cap of the retry delay; default 60 s. A longer Retry-After is still honoured. */
  public B maxRetryDelay(Duration value) {
    maxRetryDelay = required(value, "maxRetryDelay");
    return self();
  }

  /** Uniform [0, 1) values for the backoff's full jitter. */
  public B random(DoubleSupplier value) {
    random = required(value, "random");
    return self();
  }

  /**
   * A limiter built elsewhere (e.g. shared across processes); replaces the per-minute budget and
   * the ceiling on requests in flight.
   */
  public B rateLimiter(RateLimiter value) {
    rateLimiter = value;
    return self();
  }

  public B clock(Clock value) {
    clock = required(value, "clock");
    return self();
  }

  public B sleeper(Sleeper value) {
    sleeper = required(value, "sleeper");
    return self();
  }

  /**
   * The provider behind retries with exponential backoff and full jitter, and the limiter: the one
   * set, else an {@link AdaptiveRateLimiter} over {@code budget} with at most {@code
   * maxConcurrency} requests in flight.
   */
  ProviderCaller caller(
      EmbeddingProvider provider,
      RateBudget budget,
      int maxConcurrency,
      ProviderCaller.AnswerListener listener) {
    return new ProviderCaller(
        provider,
        new RetryingCaller(
            maxRetries, new BackoffPolicy(retryDelay, maxRetryDelay, random), sleeper),
        rateLimiter != null
            ? rateLimiter
            : new AdaptiveRateLimiter(budget, maxConcurrency, clock, sleeper),
        clock,
        listener);
  }

  static <T> T required(T value, String name) {
    return Objects.requireNonNull(value, name + " must be set");
  }

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }
}
