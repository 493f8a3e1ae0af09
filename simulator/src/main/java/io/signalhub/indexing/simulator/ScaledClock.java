package io.signalhub.indexing.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that runs {@code scale} times faster than real time, and a sleep that waits the matching
 * real time: the client's side of a simulator started with the same {@link
 * SimulatorSettings#timeScale}, so minutes of quota pass in seconds and both sides agree on them.
 */
public final class ScaledClock extends Clock {

  private final double scale;
  private final Instant origin;
  private final long originNanos;

  public ScaledClock(double scale) {
    this(scale, Instant.now(), System.nanoTime());
  }

  private ScaledClock(double scale, Instant origin, long originNanos) {
    if (!(scale > 0)) {
      throw new IllegalArgumentException("scale must be > 0, was " + scale);
    }
    this.scale = scale;
    this.origin = origin;
    this.originNanos = originNanos;
  }

  public double scale() {
    return scale;
  }

  @Override
  public Instant instant() {
    return origin.plusNanos((long) ((System.nanoTime() - originNanos) * scale));
  }

  /** Sleeps {@code simulated} of this clock's time (that divided by the scale, really). */
  public void sleep(Duration simulated) throws InterruptedException {
    long nanos = (long) (simulated.toNanos() / scale);
    if (nanos > 0) {
      Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
    }
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
