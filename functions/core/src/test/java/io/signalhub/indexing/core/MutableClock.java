package io.signalhub.indexing.core;

import io.signalhub.indexing.core.retry.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A clock tests move by hand, and a sleeper that moves it instead of sleeping. */
public final class MutableClock extends Clock {
  private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

  public synchronized void advance(Duration duration) {
    now = now.plus(duration);
  }

  /** Records each requested sleep and advances the clock by it. */
  public Sleeper sleeper() {
    return duration -> {
      sleeps.add(duration);
      advance(duration);
    };
  }

  public List<Duration> sleeps() {
    return sleeps;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return now;
  }
}
