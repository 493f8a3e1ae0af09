package io.signalhub.indexing.core.provider;

import java.time.Duration;

/**
 * The provider's remaining quota as its {@code x-ratelimit-*} headers report it; -1 and null mean
 * "not reported".
 */
public record QuotaSnapshot(
    long remainingRequests, long remainingTokens, Duration resetRequests, Duration resetTokens) {

  public static final QuotaSnapshot UNKNOWN = new QuotaSnapshot(-1, -1, null, null);
}
