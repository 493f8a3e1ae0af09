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
   * Until the exhausted budget is full again (the {@code x-ratelimit-reset-*} of whichever
   * remaining count is zero), or null when none is. Only for providers that report no limit: where
   * they do, the limiter learns the budget itself and waits for just the next request's share.
   */
  public Duration exhaustedReset() {
    Duration wait = null;
    if (remainingRequests == 0) {
      wait = resetRequests;
    }
    if (remainingTokens == 0
        && resetTokens != null
        && (wait == null || resetTokens.compareTo(wait) > 0)) {
      wait = resetTokens;
    }
    return wait;
  }
}
