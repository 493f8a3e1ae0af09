package io.signalhub.indexing.core.progress;

import java.util.ArrayDeque;

/**
 * Samples of a growing count over a sliding window; the rate is the count's growth across the
 * window, so it reflects now rather than the average since the start.
 */
public final class RateWindow {

  private record Sample(long atMillis, long count) {}

  private final long windowMillis;
  private final ArrayDeque<Sample> samples = new ArrayDeque<>();

  public RateWindow(long windowMillis) {
    this.windowMillis = windowMillis;
  }

  public synchronized void record(long atMillis, long count) {
    samples.addLast(new Sample(atMillis, count));
    while (samples.size() > 2 && samples.peekFirst().atMillis() < atMillis - windowMillis) {
      samples.removeFirst();
    }
  }

  /** Units per second across the window; 0 until two samples span some time. */
  public synchronized double perSecond() {
    if (samples.size() < 2) {
      return 0;
    }
    Sample first = samples.peekFirst();
    Sample last = samples.peekLast();
    long millis = last.atMillis() - first.atMillis();
    return millis <= 0 ? 0 : (last.count() - first.count()) * 1000.0 / millis;
  }
}
