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

  /** A budget that never says wait. */
  static RateBudget unlimited() {
    return tokens -> Duration.ZERO;
  }
}
