package io.signalhub.indexing.core.ratelimit;

/**
 * How many requests may be in flight: additive increase on success, multiplicative decrease on a
 * 429 (the AIMD rule TCP uses), between 1 and a maximum. Pure arithmetic; the limiter blocks.
 */
public final class AdaptiveConcurrency {

  private final int max;
  private double limit;

  public AdaptiveConcurrency(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("Concurrency must be >= 1, was " + max);
    }
    this.max = max;
    this.limit = max;
  }

  /** The whole number of requests allowed in flight now. */
  public int limit() {
    return (int) Math.floor(limit);
  }

  /** One success: grow by 1/limit, so a full round of successes adds one slot. */
  public void onSuccess() {
    limit = Math.min(max, limit + 1.0 / limit);
  }

  /** One throttle: halve, never below one. */
  public void onThrottled() {
    limit = Math.max(1, limit / 2);
  }
}
