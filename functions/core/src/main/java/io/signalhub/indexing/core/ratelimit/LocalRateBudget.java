package io.signalhub.indexing.core.ratelimit;

import java.time.Clock;
import java.time.Duration;

/** Requests/min and tokens/min buckets for one process. */
public final class LocalRateBudget implements RateBudget {

  private final Clock clock;
  private final TokenBucket requests;
  private final TokenBucket tokens;
  private long learnedCap = Long.MAX_VALUE;

  public LocalRateBudget(long requestsPerMinute, long tokensPerMinute, Clock clock) {
    this.clock = clock;
    this.requests = new TokenBucket(requestsPerMinute, clock.millis());
    this.tokens = new TokenBucket(tokensPerMinute, clock.millis());
  }

  @Override
  public synchronized Duration tryTake(long tokenCount) {
    return Duration.ofMillis(TokenBucket.takeBoth(requests, tokens, tokenCount, clock.millis()));
  }

  @Override
  public synchronized long requestTokenCap() {
    return Math.min(learnedCap, RateBudget.asCap(tokens.capacity()));
  }

  @Override
  public synchronized void capRequestTokens(long cap) {
    learnedCap = Math.min(learnedCap, Math.max(1, cap));
  }

  @Override
  public long maxRequestsInFlight() {
    return RateBudget.asCap(requests.capacity());
  }

  @Override
  public synchronized void giveBack(long tokenCount) {
    TokenBucket.giveBackBoth(requests, tokens, tokenCount, clock.millis());
  }
}
