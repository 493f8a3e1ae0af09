package io.signalhub.indexing.core.ratelimit;

import io.signalhub.indexing.core.provider.QuotaSnapshot;
import java.time.Duration;

/**
 * A requests/min and tokens/min budget. A local implementation serves one process; a shared one
 * (DynamoDB, in the AWS module) makes every embedder draw from the provider's one budget.
 */
public interface RateBudget {

  /**
   * Takes one request and {@code tokens} tokens if both are available now.
   *
   * @return zero if taken; otherwise how long to wait before asking again (nothing is taken)
   */
  Duration tryTake(long tokens);

  /**
   * Returns a request and its tokens that the provider refused with a 429: a refused request is not
   * counted against the provider's limits, so keeping it taken would leave that much of the budget
   * unused (a 100-chunk batch is seconds of a tokens/min budget).
   */
  void giveBack(long tokens);

  /**
   * The most tokens one request may carry: the per-minute token quota this budget spends (a request
   * larger than the whole quota can never be served), or a smaller cap learned from the provider
   * ({@link #capRequestTokens}). {@link Long#MAX_VALUE} when unknown. A shared budget shares it, so
   * every embedder cuts its batches the same way.
   */
  default long requestTokenCap() {
    return Long.MAX_VALUE;
  }

  /** Remembers that no request may carry more than {@code tokens} (only ever lowers the cap). */
  default void capRequestTokens(long tokens) {}

  /**
   * The provider's limits and what remains of them, as its headers reported them, for a budget
   * whose limits nobody configured: a shared budget then meters every embedder against them,
   * starting from what the provider said remains.
   */
  default void learnLimits(QuotaSnapshot quota) {}

  /**
   * Requests that may be in flight at once: no more than the requests/min quota, since each of them
   * takes one. {@link Long#MAX_VALUE} when unlimited.
   */
  default long maxRequestsInFlight() {
    return Long.MAX_VALUE;
  }

  /**
   * What a client budget spends of a provider's per-minute limit (0 or less: no limit): 98% of it.
   * Requests reach the provider a little sooner or later than they left the budget (a new
   * connection, a busy thread), so a budget run at exactly the limit collides with it now and then;
   * 2% less costs 2% of throughput and avoids those 429s.
   */
  static long spendable(long providerLimit) {
    return providerLimit <= 0 ? UNLIMITED : Math.max(1, providerLimit * 98 / 100);
  }

  /** The capacity of a bucket that stands for "no limit". */
  long UNLIMITED = Long.MAX_VALUE / 4;

  /** A capacity as a cap: {@link Long#MAX_VALUE} for an unlimited bucket. */
  static long asCap(long capacity) {
    return capacity >= UNLIMITED ? Long.MAX_VALUE : capacity;
  }

  /**
   * Most tokens per batch for a provider's tokens/min limit, for packing batches (0 when there is
   * no limit, which {@link io.signalhub.indexing.core.batch.BatchBounds#forProvider} reads as "the
   * provider's per-request limit").
   */
  static long batchTokenBudget(long tokensPerMinute) {
    return tokensPerMinute > 0 ? spendable(tokensPerMinute) : 0;
  }

  /** A budget that never says wait. */
  static RateBudget unlimited() {
    return new RateBudget() {
      @Override
      public Duration tryTake(long tokens) {
        return Duration.ZERO;
      }

      @Override
      public void giveBack(long tokens) {}
    };
  }
}
