package io.signalhub.indexing.core.ratelimit;

import java.time.Clock;
import java.time.Duration;

/** Requests/min and tokens/min buckets for one process. */
public final class LocalRateBudget implements RateBudget {

  private final Clock clock;
  private final TokenBucket requests;
  private final TokenBucket tokens;

  public LocalRateBudget(long requestsPerMinute, long tokensPerMinute, Clock clock) {
    this.clock = clock;
    this.requests = new TokenBucket(requestsPerMinute, clock.millis());
    this.tokens = new TokenBucket(tokensPerMinute, clock.millis());
  }

  @Override
  public synchronized Duration tryTake(long tokenCount) {
    long now = clock.millis();
    long wait =
        Math.max(
            requests.millisUntilAvailable(1, now), tokens.millisUntilAvailable(tokenCount, now));
    if (wait > 0) {
      return Duration.ofMillis(wait);
    }
    requests.take(1, now);
    tokens.take(tokenCount, now);
    return Duration.ZERO;
  }
}
