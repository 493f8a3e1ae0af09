package io.signalhub.indexing.core.retry;

import io.signalhub.indexing.core.provider.EmbeddingException;
import io.signalhub.indexing.core.provider.EmbeddingResponse;
import io.smallrye.faulttolerance.api.CustomBackoffStrategy;
import io.smallrye.faulttolerance.api.TypedGuard;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.LongAdder;

/**
 * Retries provider calls with SmallRye Fault Tolerance: only {@link
 * EmbeddingException.Kind#RETRYABLE} failures are retried, up to {@code maxRetries} times, after
 * the delay the {@link BackoffPolicy} computes from the attempt and the server's {@code
 * Retry-After}.
 *
 * <p>SmallRye's own delay is set to zero and the wait happens through the injected {@link Sleeper}
 * inside the custom backoff strategy: SmallRye decides <em>whether</em> to retry, our policy
 * decides <em>how long</em>, and tests run without sleeping.
 */
public final class RetryingCaller {

  private final TypedGuard<EmbeddingResponse> guard;
  private final LongAdder retries = new LongAdder();

  public RetryingCaller(int maxRetries, BackoffPolicy policy, Sleeper sleeper) {
    if (maxRetries < 0) {
      throw new IllegalArgumentException("maxRetries must be >= 0, was " + maxRetries);
    }
    this.guard =
        TypedGuard.create(EmbeddingResponse.class)
            .withRetry()
            .maxRetries(maxRetries)
            .delay(0, ChronoUnit.MILLIS)
            .jitter(0, ChronoUnit.MILLIS)
            .maxDuration(365, ChronoUnit.DAYS)
            .whenException(EmbeddingException::isRetryable)
            .onRetry(retries::increment)
            .withCustomBackoff()
            .strategy(() -> new PolicyBackoff(policy, sleeper))
            .done()
            .done()
            .build();
  }

  /**
   * Calls until success, a non-retryable failure, or retries run out (the last failure is thrown).
   */
  public EmbeddingResponse call(Callable<EmbeddingResponse> action) {
    try {
      return guard.call(action);
    } catch (EmbeddingException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw EmbeddingException.fatal("Interrupted while retrying");
    } catch (Exception e) {
      throw EmbeddingException.retryable("Embedding call failed: " + e, e);
    }
  }

  /** Retries made so far, over all calls. */
  public long retries() {
    return retries.sum();
  }

  /** One per guarded call: counts that call's retries and waits as the policy says. */
  private static final class PolicyBackoff implements CustomBackoffStrategy {
    private final BackoffPolicy policy;
    private final Sleeper sleeper;
    private int retry;

    PolicyBackoff(BackoffPolicy policy, Sleeper sleeper) {
      this.policy = policy;
      this.sleeper = sleeper;
    }

    @Override
    public long nextDelayInMillis(Throwable failure) {
      Duration hint = failure instanceof EmbeddingException e ? e.retryAfter().orElse(null) : null;
      Duration delay = policy.delay(retry++, hint);
      try {
        sleeper.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return 0;
    }
  }
}
