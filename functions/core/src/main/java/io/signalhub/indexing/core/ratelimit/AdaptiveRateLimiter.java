package io.signalhub.indexing.core.ratelimit;

import io.signalhub.indexing.core.provider.QuotaSnapshot;
import io.signalhub.indexing.core.retry.Sleeper;
import java.time.Clock;
import java.time.Duration;

/**
 * Admits a request when (1) the in-flight count is under the adaptive concurrency limit, (2) no
 * pause is in force, and (3) the {@link RateBudget} grants one request and the batch's tokens.
 *
 * <p>A 429 halves concurrency, gives the refused request back to the budget and pauses every caller
 * of this limiter for the server's {@code Retry-After}. Every response's quota headers keep a
 * {@link LearnedRateBudget} in step with the provider, so limits nobody configured are respected
 * too; where a provider reports no limit, a remaining count of zero pauses until its reset ({@link
 * QuotaSnapshot#exhaustedReset}).
 */
public final class AdaptiveRateLimiter implements RateLimiter {

  private final RateBudget budget;
  private final AdaptiveConcurrency concurrency;
  private final Clock clock;
  private final Sleeper sleeper;
  private final LearnedRateBudget learned;
  private int inFlight;
  private long pausedUntilMillis;
  private long requestTokenCap = Long.MAX_VALUE;

  /**
   * Whether any request has come back. Until one has, requests go one at a time: the first answer
   * teaches the provider's limits, and a blind burst of {@code maxConcurrency} large batches is
   * what a provider's limit refuses.
   */
  private boolean answered;

  public AdaptiveRateLimiter(RateBudget budget, int maxConcurrency, Clock clock, Sleeper sleeper) {
    this.budget = budget;
    this.concurrency = new AdaptiveConcurrency(maxConcurrency);
    this.clock = clock;
    this.sleeper = sleeper;
    this.learned = new LearnedRateBudget(clock);
  }

  @Override
  public Permit acquire(long tokens) throws InterruptedException {
    synchronized (this) {
      while (inFlight >= inFlightLimit() || (!answered && inFlight > 0)) {
        wait();
      }
      inFlight++;
    }
    try {
      while (true) {
        Duration wait = pauseRemaining();
        if (wait.isZero()) {
          wait = learned.tryTake(tokens);
          if (wait.isZero()) {
            wait = budget.tryTake(tokens);
            if (wait.isZero()) {
              return admit(tokens);
            }
            learned.giveBack(tokens);
          }
        }
        sleeper.sleep(wait);
      }
    } catch (InterruptedException | RuntimeException e) {
      release();
      throw e;
    }
  }

  /** Current concurrency limit, for reports and tests. */
  public synchronized int concurrencyLimit() {
    return inFlightLimit();
  }

  /** The adaptive limit, never above the requests/min quota (configured or learned). */
  private int inFlightLimit() {
    long quota = Math.min(budget.maxRequestsInFlight(), learned.requestsPerMinute());
    return (int) Math.max(1, Math.min(concurrency.limit(), quota));
  }

  @Override
  public long maxRequestTokens() {
    long local;
    synchronized (this) {
      local = requestTokenCap;
    }
    return Math.min(
        local, Math.min(budget.requestTokenCap(), RateBudget.asCap(learned.tokensPerMinute())));
  }

  @Override
  public void capRequestTokens(long tokens) {
    long cap = Math.max(1, tokens);
    synchronized (this) {
      if (cap >= requestTokenCap) {
        return;
      }
      requestTokenCap = cap;
    }
    budget.capRequestTokens(cap);
  }

  private synchronized Duration pauseRemaining() {
    long remaining = pausedUntilMillis - clock.millis();
    return remaining > 0 ? Duration.ofMillis(remaining) : Duration.ZERO;
  }

  private synchronized void pauseFor(Duration duration) {
    if (duration != null && !duration.isNegative()) {
      pausedUntilMillis = Math.max(pausedUntilMillis, clock.millis() + duration.toMillis());
    }
  }

  private synchronized AdaptivePermit admit(long tokens) {
    return new AdaptivePermit(tokens);
  }

  /** A request is over; whether it taught anything is for its report (succeeded, throttled). */
  private synchronized void release() {
    inFlight--;
    notifyAll();
  }

  private final class AdaptivePermit implements Permit {
    private final long tokens;
    private boolean closed;

    AdaptivePermit(long tokens) {
      this.tokens = tokens;
    }

    @Override
    public void succeeded(QuotaSnapshot quota) {
      learn(quota);
      if (!learned.learned()) {
        pauseFor(quota.exhaustedReset());
      }
      synchronized (AdaptiveRateLimiter.this) {
        concurrency.onSuccess();
        answered = true;
        AdaptiveRateLimiter.this.notifyAll();
      }
    }

    @Override
    public void throttled(Duration retryAfter, QuotaSnapshot quota) {
      budget.giveBack(tokens);
      learned.giveBack(tokens);
      learn(quota);
      pauseFor(retryAfter != null ? retryAfter : Duration.ofSeconds(1));
      synchronized (AdaptiveRateLimiter.this) {
        concurrency.onThrottled();
        answered = true;
        AdaptiveRateLimiter.this.notifyAll();
      }
    }

    @Override
    public void refused(QuotaSnapshot quota) {
      budget.giveBack(tokens);
      learned.giveBack(tokens);
      learn(quota);
      synchronized (AdaptiveRateLimiter.this) {
        // a bare 413 teaches no rate limit: the next request still goes alone, to learn them
        answered |= quota.limitTokens() > 0 || quota.limitRequests() > 0;
        AdaptiveRateLimiter.this.notifyAll();
      }
    }

    /**
     * Before anyone waiting is woken, so none is admitted on what was known before. A reported
     * tokens/min limit below what the shared budget knows is shared, so every embedder cuts its
     * requests to it.
     */
    private void learn(QuotaSnapshot quota) {
      learned.observe(quota);
      if (quota.limitTokens() > 0 || quota.limitRequests() > 0) {
        budget.learnLimits(quota);
      }
      if (quota.limitTokens() > 0) {
        long cap = RateBudget.spendable(quota.limitTokens());
        if (cap < budget.requestTokenCap()) {
          capRequestTokens(cap);
        }
      }
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        release();
      }
    }
  }
}
