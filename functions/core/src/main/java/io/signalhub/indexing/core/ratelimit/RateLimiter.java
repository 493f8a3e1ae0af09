package io.signalhub.indexing.core.ratelimit;

import io.signalhub.indexing.core.provider.QuotaSnapshot;
import java.time.Duration;

/** Admits requests to the provider and learns from its answers. */
public interface RateLimiter {

  /** Blocks until one request of about {@code tokens} tokens may go. Close the permit after. */
  Permit acquire(long tokens) throws InterruptedException;

  /**
   * The most tokens one request may carry now: the per-minute token quota, configured or learned
   * from {@code x-ratelimit-limit-tokens}, or a smaller cap a "request too large" answer taught.
   * {@link Long#MAX_VALUE} when unknown.
   */
  default long maxRequestTokens() {
    return Long.MAX_VALUE;
  }

  /** The provider refused a request as too large: no later request may carry more than this. */
  default void capRequestTokens(long tokens) {}

  /** A request in flight; report how it went, then close it. */
  interface Permit extends AutoCloseable {
    void succeeded(QuotaSnapshot quota);

    void throttled(Duration retryAfter, QuotaSnapshot quota);

    /**
     * The provider refused the request as larger than it ever accepts: it counted nothing, so the
     * budget gets it back; nothing pauses (the request was never a rate problem).
     */
    void refused(QuotaSnapshot quota);

    @Override
    void close();
  }
}
