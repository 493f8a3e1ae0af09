package io.signalhub.indexing.core.ratelimit;

/**
 * A bucket of {@code capacity} units refilled continuously at {@code capacity} per minute. It reads
 * no clock: time goes in as an argument, so tests move a clock instead of sleeping. It is mutable
 * and not thread-safe: its owner serializes access ({@link LocalRateBudget} holds a lock, {@code
 * DynamoRateBudget} restores a fresh one for each conditional read-modify-write).
 */
public final class TokenBucket {

  private static final double MILLIS_PER_MINUTE = 60_000.0;

  private final long capacity;
  private double available;
  private long updatedAtMillis;

  public TokenBucket(long perMinute, long nowMillis) {
    this(perMinute, perMinute, nowMillis);
  }

  /** A bucket restored from stored state (a shared budget reads it from a table). */
  public TokenBucket(long perMinute, double available, long updatedAtMillis) {
    if (perMinute < 1) {
      throw new IllegalArgumentException("A per-minute limit must be >= 1, was " + perMinute);
    }
    this.capacity = perMinute;
    this.available = available;
    this.updatedAtMillis = updatedAtMillis;
  }

  /**
   * Takes one request from {@code requests} and {@code amount} from {@code tokens} if both have
   * enough now; otherwise takes nothing.
   *
   * @return 0 if taken, else milliseconds until both would have enough
   */
  public static long takeBoth(
      TokenBucket requests, TokenBucket tokens, long amount, long nowMillis) {
    long wait =
        Math.max(
            requests.millisUntilAvailable(1, nowMillis),
            tokens.millisUntilAvailable(amount, nowMillis));
    if (wait == 0) {
      requests.take(1, nowMillis);
      tokens.take(amount, nowMillis);
    }
    return wait;
  }

  /** Returns what {@link #takeBoth} took for a request the provider then refused. */
  public static void giveBackBoth(
      TokenBucket requests, TokenBucket tokens, long amount, long nowMillis) {
    requests.giveBack(1, nowMillis);
    tokens.giveBack(amount, nowMillis);
  }

  /** Sets what is available to what the provider reports is left (never above capacity). */
  public void reset(double value, long nowMillis) {
    refill(nowMillis);
    available = Math.min(capacity, value);
  }

  public long capacity() {
    return capacity;
  }

  /** Units available at the last update, for storing. */
  public double storedAvailable() {
    return available;
  }

  public long storedAtMillis() {
    return updatedAtMillis;
  }

  /**
   * Milliseconds until {@code amount} is available (0 if it is now). An amount above capacity waits
   * for a full bucket, so one oversized request can still go.
   */
  public long millisUntilAvailable(long amount, long nowMillis) {
    refill(nowMillis);
    double missing = Math.min(amount, capacity) - available;
    return missing <= 0 ? 0 : (long) Math.ceil(missing * MILLIS_PER_MINUTE / capacity);
  }

  public void take(long amount, long nowMillis) {
    refill(nowMillis);
    available -= Math.min(amount, capacity);
  }

  /** Puts back what {@link #take} took, never above capacity. */
  public void giveBack(long amount, long nowMillis) {
    refill(nowMillis);
    available = Math.min(capacity, available + Math.min(amount, capacity));
  }

  /** Empties the bucket: the provider said it is exhausted, whatever we counted. */
  public void drain(long nowMillis) {
    refill(nowMillis);
    available = Math.min(available, 0);
  }

  public long available(long nowMillis) {
    refill(nowMillis);
    return (long) Math.floor(available);
  }

  private void refill(long nowMillis) {
    if (nowMillis > updatedAtMillis) {
      available =
          Math.min(
              capacity, available + (nowMillis - updatedAtMillis) * capacity / MILLIS_PER_MINUTE);
      updatedAtMillis = nowMillis;
    }
  }
}
