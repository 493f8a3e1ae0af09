package io.signalhub.indexing.core.retry;

import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * Computes how long to wait before a retry: exponential backoff with full jitter and a cap
 * (aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter), never shorter than what the
 * server asked for with {@code Retry-After}. The policy computes; callers wait.
 */
public final class BackoffPolicy {

  private final Duration initialDelay;
  private final Duration maxDelay;
  private final DoubleSupplier random;

  /**
   * @param initialDelay ceiling of the first retry's delay
   * @param maxDelay cap on the exponential ceiling
   * @param random uniform values in [0, 1); a constant 1.0 disables jitter (ceilings exactly)
   */
  public BackoffPolicy(Duration initialDelay, Duration maxDelay, DoubleSupplier random) {
    this.initialDelay = Objects.requireNonNull(initialDelay, "initialDelay must be set");
    this.maxDelay = Objects.requireNonNull(maxDelay, "maxDelay must be set");
    this.random = Objects.requireNonNull(random, "random must be set");
    if (initialDelay.isNegative() || maxDelay.compareTo(initialDelay) < 0) {
      throw new IllegalArgumentException(
          "Need 0 <= initialDelay <= maxDelay, got " + initialDelay + " and " + maxDelay);
    }
  }

  /** The exponential ceiling for a retry: min(maxDelay, initialDelay * 2^retry). */
  public Duration ceiling(int retry) {
    long initial = initialDelay.toMillis();
    long cap = maxDelay.toMillis();
    if (retry >= 62 || initial > (cap >> Math.min(retry, 62))) {
      return maxDelay;
    }
    return Duration.ofMillis(Math.min(cap, initial << retry));
  }

  /**
   * The delay before retry number {@code retry} (0 for the first retry).
   *
   * @param serverHint what the server asked for (Retry-After), or null
   */
  public Duration delay(int retry, Duration serverHint) {
    long ceiling = ceiling(retry).toMillis();
    long jittered = (long) Math.floor(random.getAsDouble() * ceiling);
    Duration backoff = Duration.ofMillis(Math.min(ceiling, jittered));
    return serverHint != null && serverHint.compareTo(backoff) > 0 ? serverHint : backoff;
  }
}
