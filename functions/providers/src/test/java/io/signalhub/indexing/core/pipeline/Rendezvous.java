package io.signalhub.indexing.core.pipeline;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Calls that wait until {@code parties} of them have arrived (or a few seconds pass), so a test can
 * see how many a component runs at once: one after another, the most in flight stays 1.
 */
final class Rendezvous {

  private final CountDownLatch arrived;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger most = new AtomicInteger();

  Rendezvous(int parties) {
    this.arrived = new CountDownLatch(parties);
  }

  /** {@code call} through {@code rendezvous}, or directly when there is none. */
  static <T> T around(Rendezvous rendezvous, Supplier<T> call) {
    if (rendezvous == null) {
      return call.get();
    }
    rendezvous.most.accumulateAndGet(rendezvous.inFlight.incrementAndGet(), Math::max);
    try {
      rendezvous.arrived.countDown();
      // too few callers at once: go on after the wait, and let the test read how many there were
      rendezvous.arrived.await(5, TimeUnit.SECONDS);
      return call.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      rendezvous.inFlight.decrementAndGet();
    }
  }

  /** The most calls that were in flight at once. */
  int most() {
    return most.get();
  }
}
