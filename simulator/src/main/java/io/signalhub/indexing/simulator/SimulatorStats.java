package io.signalhub.indexing.simulator;

import java.util.concurrent.atomic.AtomicLong;

/** What the simulated provider saw: the benchmark's ground truth for requests, 429s and tokens. */
public final class SimulatorStats {
  final AtomicLong requests = new AtomicLong();
  final AtomicLong served = new AtomicLong();
  final AtomicLong throttled = new AtomicLong();
  final AtomicLong tooLarge = new AtomicLong();
  final AtomicLong errors = new AtomicLong();
  final AtomicLong dropped = new AtomicLong();
  final AtomicLong inputs = new AtomicLong();
  final AtomicLong tokens = new AtomicLong();
  final AtomicLong batchesCreated = new AtomicLong();
  final AtomicLong batchInputs = new AtomicLong();
  final AtomicLong batchTokens = new AtomicLong();
  private final java.util.concurrent.ConcurrentLinkedQueue<long[]> servedLog =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  private final java.util.concurrent.ConcurrentLinkedQueue<String> inputLog =
      new java.util.concurrent.ConcurrentLinkedQueue<>();

  /**
   * Every input text a request carried, served or not: what left the client's machine (only with
   * {@link SimulatorSettings.Builder#logInputs}).
   */
  public java.util.List<String> inputsReceived() {
    return java.util.List.copyOf(inputLog);
  }

  void received(java.util.List<String> texts) {
    inputLog.addAll(texts);
  }

  void servedAt(long nanos, long requestTokens) {
    servedLog.add(new long[] {nanos, requestTokens});
  }

  /** Tokens served between two {@link System#nanoTime()} instants. */
  public long tokensServedBetween(long fromNanos, long toNanos) {
    long sum = 0;
    for (long[] entry : servedLog) {
      if (entry[0] >= fromNanos && entry[0] < toNanos) {
        sum += entry[1];
      }
    }
    return sum;
  }

  /** {@link System#nanoTime()} of the first response served since the last reset, or -1. */
  public long firstServedNanos() {
    return servedLog.stream().mapToLong(entry -> entry[0]).min().orElse(-1);
  }

  /** {@link System#nanoTime()} of the last response served since the last reset, or -1. */
  public long lastServedNanos() {
    return servedLog.stream().mapToLong(entry -> entry[0]).max().orElse(-1);
  }

  public long requests() {
    return requests.get();
  }

  public long served() {
    return served.get();
  }

  public long throttled() {
    return throttled.get();
  }

  /** Requests refused as larger than the whole tokens/min quota (counted in 429s or errors too). */
  public long tooLarge() {
    return tooLarge.get();
  }

  public long errors() {
    return errors.get();
  }

  public long inputs() {
    return inputs.get();
  }

  public long tokens() {
    return tokens.get();
  }

  /** Provider batches created through the Batch API. */
  public long batchesCreated() {
    return batchesCreated.get();
  }

  /** Inputs the Batch API embedded (requests that succeeded in an output file). */
  public long batchInputs() {
    return batchInputs.get();
  }

  /** Tokens the Batch API embedded: billed at half the on-demand price. */
  public long batchTokens() {
    return batchTokens.get();
  }

  /** Half: OpenAI's Batch API price against its on-demand price (openai.com/api/pricing). */
  public static final double BATCH_PRICE_FACTOR = 0.5;

  /**
   * What the provider would bill: on-demand tokens at the full price, Batch API tokens at half.
   *
   * @param usdPerMillionTokens the model's on-demand price
   */
  public double billedUsd(double usdPerMillionTokens) {
    return (tokens.get() + batchTokens.get() * BATCH_PRICE_FACTOR) * usdPerMillionTokens / 1e6;
  }

  public void reset() {
    batchesCreated.set(0);
    batchInputs.set(0);
    batchTokens.set(0);
    requests.set(0);
    served.set(0);
    throttled.set(0);
    tooLarge.set(0);
    errors.set(0);
    dropped.set(0);
    inputs.set(0);
    tokens.set(0);
    servedLog.clear();
    inputLog.clear();
  }
}
