package io.signalhub.indexing.core.provider;

import java.time.Duration;

/**
 * The provider's quota as its {@code x-ratelimit-*} headers report it; -1 and null mean "not
 * reported".
 *
 * @param limitRequests requests per minute ({@code x-ratelimit-limit-requests})
 * @param limitTokens tokens per minute ({@code x-ratelimit-limit-tokens})
 */
public record QuotaSnapshot(
    long remainingRequests,
    long remainingTokens,
    Duration resetRequests,
    Duration resetTokens,
    long limitRequests,
    long limitTokens) {

  public static final QuotaSnapshot UNKNOWN = new QuotaSnapshot(-1, -1, null, null, -1, -1);

  /**
   * How long to hold the next request of {@code tokens} when the provider reports itself exhausted,
   * or null when it is not. The reset headers give the time until the bucket is <em>full</em>
   * again; the next request needs only its own share: a limit refilled per minute gives back {@code
   * tokens} in tokens/limit of a minute. Waiting for the full reset left most of the budget unused.
   */
  public Duration waitFor(long tokens) {
    Duration wait = null;
    if (remainingRequests == 0) {
      wait = longest(wait, refill(1, limitRequests, resetRequests));
    }
    if (remainingTokens == 0) {
      wait = longest(wait, refill(tokens, limitTokens, resetTokens));
    }
    return wait;
  }

  private static Duration refill(long amount, long limit, Duration reset) {
    if (limit <= 0) {
      return reset;
    }
    Duration share =
        Duration.ofMillis((long) Math.ceil(60_000.0 * Math.min(amount, limit) / limit));
    return reset == null || share.compareTo(reset) < 0 ? share : reset;
  }

  private static Duration longest(Duration a, Duration b) {
    return a == null || (b != null && b.compareTo(a) > 0) ? b : a;
  }
}
