package io.signalhub.indexing.core.retry;

import java.time.Duration;

/** Waits. Injected so that retry and rate-limit logic is tested without sleeping. */
@FunctionalInterface
public interface Sleeper {

  void sleep(Duration duration) throws InterruptedException;

  /** The real one. */
  static Sleeper system() {
    return duration -> {
      if (!duration.isZero() && !duration.isNegative()) {
        Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);
      }
    };
  }
}
