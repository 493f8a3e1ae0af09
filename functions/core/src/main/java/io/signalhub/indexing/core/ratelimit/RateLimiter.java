package io.signalhub.indexing.core.ratelimit;

import io.signalhub.indexing.core.provider.QuotaSnapshot;
import java.time.Duration;

/** Admits requests to the provider and learns from its answers. */
public interface RateLimiter {

  /** Blocks until one request of about {@code tokens} tokens may go. Close the permit after. */
  Permit acquire(long tokens) throws InterruptedException;

  /** A request in flight; report how it went, then close it. */
  interface Permit extends AutoCloseable {
    void succeeded(QuotaSnapshot quota);

    void throttled(Duration retryAfter, QuotaSnapshot quota);

    @Override
    void close();
  }
}
