package io.signalhub.indexing.core.ratelimit;

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
   * What a client budget spends of a provider's per-minute limit (0 or less: no limit): 98% of it.
   * Requests reach the provider a little sooner or later than they left the budget (a new
   * connection, a busy thread), so a budget run at exactly the limit collides with it now and then;
   * 2% less costs 2% of throughput and avoids those 429s.
   */
  static long spendable(long providerLimit) {
    return providerLimit <= 0 ? Long.MAX_VALUE / 4 : Math.max(1, providerLimit * 98 / 100);
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
