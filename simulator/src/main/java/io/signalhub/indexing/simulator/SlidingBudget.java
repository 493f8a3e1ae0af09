package io.signalhub.indexing.simulator;

/**
 * A per-minute budget refilled continuously, the way OpenAI describes its limits: capacity is the
 * per-minute limit and it refills at limit/60 per second.
 */
final class SlidingBudget {
  private static final long MINUTE_NANOS = 60_000_000_000L;

  private final long capacity;
  private double available;
  private long updatedAt = Long.MIN_VALUE;

  SlidingBudget(long perMinute) {
    this.capacity = perMinute;
    this.available = perMinute;
  }

  /** Whether one request of this amount can ever be served (no larger than the whole quota). */
  boolean fits(long amount) {
    return amount <= capacity;
  }

  long capacity() {
    return capacity;
  }

  long waitNanos(long now, long amount) {
    refill(now);
    double missing = amount - available;
    return missing <= 0 ? 0 : (long) Math.ceil(missing * MINUTE_NANOS / capacity);
  }

  void take(long now, long amount) {
    refill(now);
    available -= amount;
  }

  long remaining(long now) {
    refill(now);
    return Math.max(0, (long) available);
  }

  /** Time until the budget is full again, in OpenAI's format ("1s", "6m0s", "20ms"). */
  String resetText(long now) {
    refill(now);
    long millis = (long) ((capacity - available) * 60_000 / capacity);
    if (millis < 1000) {
      return millis + "ms";
    }
    long seconds = millis / 1000;
    return seconds >= 60 ? (seconds / 60) + "m" + (seconds % 60) + "s" : seconds + "s";
  }

  private void refill(long now) {
    if (updatedAt != Long.MIN_VALUE) {
      available =
          Math.min(capacity, available + (double) (now - updatedAt) * capacity / MINUTE_NANOS);
    }
    updatedAt = now;
  }
}
