package io.signalhub.indexing.core.ratelimit;

import io.signalhub.indexing.core.provider.QuotaSnapshot;
import java.time.Clock;
import java.time.Duration;

/**
 * The provider's budget as its {@code x-ratelimit-limit-*} and {@code x-ratelimit-remaining-*}
 * headers report it, for when nobody configured the limits: every response lowers the buckets to
 * what the provider says is left, if that is less than they hold, and they refill at {@link
 * RateBudget#spendable} of the reported limit. Until a response reports a limit, it grants
 * everything.
 *
 * <p>Lowered, never reset: a provider such as OpenAI counts a request's tokens when it receives it,
 * so the remaining it reports already excludes the requests still in flight, while the buckets took
 * them when they were admitted. Resetting to the remaining minus those in flight counted them twice
 * (after a burst of large requests, every caller slept for seconds while the quota went unused);
 * the lower of the two counts each request once, whichever of the two has seen it, and still
 * follows spending the buckets never saw (another process on the same key).
 */
final class LearnedRateBudget implements RateBudget {

  private final Clock clock;
  private TokenBucket requests;
  private TokenBucket tokens;

  LearnedRateBudget(Clock clock) {
    this.clock = clock;
  }

  /** Takes what the provider reported. */
  synchronized void observe(QuotaSnapshot quota) {
    long now = clock.millis();
    requests = learn(requests, quota.limitRequests(), quota.remainingRequests(), now);
    tokens = learn(tokens, quota.limitTokens(), quota.remainingTokens(), now);
  }

  /** Tokens/min as last reported (spendable share), or {@link Long#MAX_VALUE} if never. */
  synchronized long tokensPerMinute() {
    return tokens == null ? Long.MAX_VALUE : tokens.capacity();
  }

  /** Requests/min as last reported (spendable share), or {@link Long#MAX_VALUE} if never. */
  synchronized long requestsPerMinute() {
    return requests == null ? Long.MAX_VALUE : requests.capacity();
  }

  /** Whether responses have reported a limit to learn from. */
  synchronized boolean learned() {
    return requests != null || tokens != null;
  }

  private static TokenBucket learn(TokenBucket bucket, long limit, long remaining, long now) {
    if (limit <= 0 || remaining < 0) {
      return bucket;
    }
    TokenBucket learned =
        bucket != null && bucket.capacity() == RateBudget.spendable(limit)
            ? bucket
            : new TokenBucket(RateBudget.spendable(limit), now);
    learned.reset(Math.min(learned.available(now), remaining), now);
    return learned;
  }

  @Override
  public synchronized Duration tryTake(long tokenCount) {
    long now = clock.millis();
    long wait =
        Math.max(
            requests == null ? 0 : requests.millisUntilAvailable(1, now),
            tokens == null ? 0 : tokens.millisUntilAvailable(tokenCount, now));
    if (wait == 0) {
      if (requests != null) {
        requests.take(1, now);
      }
      if (tokens != null) {
        tokens.take(tokenCount, now);
      }
    }
    return Duration.ofMillis(wait);
  }

  @Override
  public synchronized void giveBack(long tokenCount) {
    long now = clock.millis();
    if (requests != null) {
      requests.giveBack(1, now);
    }
    if (tokens != null) {
      tokens.giveBack(tokenCount, now);
    }
  }
}
