package io.signalhub.indexing.core.progress;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/** Thread-safe counters of a run, turned into {@link Progress} snapshots on demand. */
public final class ProgressTracker {

  private static final int MAX_FAILURE_SAMPLES = 10;

  private final Clock clock;
  private final long startedAtMillis;
  private final RateWindow rate;
  private final LongAdder total = new LongAdder();
  private final AtomicBoolean totalFinal = new AtomicBoolean();
  private final LongAdder completed = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder cached = new LongAdder();
  private final LongAdder batches = new LongAdder();
  private final LongAdder apiCalls = new LongAdder();
  private final LongAdder tokens = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final LongAdder throttled = new LongAdder();
  private final LongAdder truncated = new LongAdder();
  private final List<String> failureSamples = new ArrayList<>();

  public ProgressTracker(Clock clock, Duration rateWindow) {
    this.clock = clock;
    this.startedAtMillis = clock.millis();
    this.rate = new RateWindow(rateWindow.toMillis());
    rate.record(startedAtMillis, 0);
  }

  public void addTotal(long chunks) {
    total.add(chunks);
  }

  public void markTotalFinal() {
    totalFinal.set(true);
  }

  public void completed(long chunks) {
    completed.add(chunks);
  }

  public void cached(long chunks) {
    cached.add(chunks);
    completed.add(chunks);
  }

  public void failed(String location, String reason) {
    failed.increment();
    synchronized (failureSamples) {
      if (failureSamples.size() < MAX_FAILURE_SAMPLES) {
        failureSamples.add(location + ": " + reason);
      }
    }
  }

  public void batchProcessed() {
    batches.increment();
  }

  public void apiCall(long billedTokens) {
    apiCalls.increment();
    tokens.add(billedTokens);
  }

  public void failedApiCall() {
    apiCalls.increment();
  }

  public void retried() {
    retries.increment();
  }

  public void throttled() {
    throttled.increment();
  }

  public void truncated() {
    truncated.increment();
  }

  /** A snapshot now; also feeds the rate window. */
  public Progress snapshot() {
    long now = clock.millis();
    long done = completed.sum() + failed.sum();
    rate.record(now, done);
    double perSecond = rate.perSecond();
    long totalNow = total.sum();
    long remaining = Math.max(0, totalNow - done);
    Duration eta =
        remaining == 0
            ? (totalFinal.get() ? Duration.ZERO : null)
            : perSecond > 0 ? Duration.ofMillis((long) (remaining / perSecond * 1000)) : null;
    List<String> samples;
    synchronized (failureSamples) {
      samples = List.copyOf(failureSamples);
    }
    long calls = apiCalls.sum();
    return new Progress(
        totalNow,
        totalFinal.get(),
        completed.sum(),
        failed.sum(),
        cached.sum(),
        batches.sum(),
        calls,
        Math.max(0, completed.sum() - calls),
        tokens.sum(),
        retries.sum(),
        throttled.sum(),
        truncated.sum(),
        perSecond,
        eta,
        Duration.ofMillis(now - startedAtMillis),
        samples);
  }
}
