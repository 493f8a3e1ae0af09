package io.signalhub.indexing.core.batch;

import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Sizes requests when nobody chose a batch size: as large as the provider accepts in one request
 * (its inputs, tokens and bytes per request), but never more tokens than a tenth of what the quota
 * lets one request carry ({@code quotaCap}: the rate limiter's cap, the tokens/min quota configured
 * or learned), so a binding quota is spent in six-second steps rather than in lumps of a minute,
 * nor more than the provider answers within the latency target.
 *
 * <p>It starts small and at most doubles with every answer, as TCP's slow start does: the first
 * request goes alone to teach the provider's limits and speed, so it should be quick, and a size
 * nobody has seen answered is never sent in one step. The latency bound comes from the answers'
 * milliseconds per token (a moving average, the fixed part of each request included, so it errs
 * towards smaller requests). A policy: it computes bounds from what it is told; callers wait.
 */
public final class RequestSizer {

  /** The first request's share of the provider's per-request token limit. */
  static final int FIRST_REQUEST_FRACTION = 16;

  /** A request carries at most this share of the quota's cap. */
  static final int QUOTA_SHARE = 10;

  /** Weight of the newest answer in the milliseconds-per-token average. */
  static final double SMOOTHING = 0.3;

  private final ProviderLimits limits;
  private final long ceiling;
  private final int maxTokensPerItem;
  private final long latencyTargetMillis;
  private final LongSupplier quotaCap;
  private long size;
  private double millisPerToken = -1;

  /**
   * @param limits the provider's per-request limits
   * @param tokenBudget most tokens per request the configuration allows (0: the provider's limit)
   * @param latencyTarget how long one request may take at the provider
   * @param quotaCap the most tokens one request may carry under the quota, now ({@link
   *     Long#MAX_VALUE} when unknown)
   */
  public RequestSizer(
      ProviderLimits limits, long tokenBudget, Duration latencyTarget, LongSupplier quotaCap) {
    this.limits = Objects.requireNonNull(limits, "limits must be set");
    this.quotaCap = Objects.requireNonNull(quotaCap, "quotaCap must be set");
    if (latencyTarget == null || latencyTarget.isNegative() || latencyTarget.isZero()) {
      throw new IllegalArgumentException("latencyTarget must be positive, was " + latencyTarget);
    }
    this.latencyTargetMillis = latencyTarget.toMillis();
    BatchBounds widest = BatchBounds.forProvider(limits, 0, tokenBudget);
    this.ceiling = widest.maxTokens();
    this.maxTokensPerItem = widest.maxTokensPerItem();
    this.size = Math.max(1, ceiling / FIRST_REQUEST_FRACTION);
  }

  /** The bounds of the next request. */
  public synchronized BatchBounds next() {
    long tokens = Math.min(size, Math.min(latencyBound(), quotaBound()));
    return new BatchBounds(
        limits.maxInputsPerRequest(),
        Math.max(1, Math.min(ceiling, tokens)),
        maxTokensPerItem,
        limits.maxRequestBytes());
  }

  /**
   * A request of {@code tokens} tokens was answered after {@code latency} at the provider: learn
   * its speed, and allow twice that size next (never less than allowed already).
   */
  public synchronized void answered(long tokens, Duration latency) {
    if (tokens <= 0) {
      return;
    }
    double observed = Math.max(0, latency.toMillis()) / (double) tokens;
    millisPerToken =
        millisPerToken < 0 ? observed : SMOOTHING * observed + (1 - SMOOTHING) * millisPerToken;
    size = Math.min(ceiling, Math.max(size, 2 * tokens));
  }

  /** A tenth of the quota's cap, at least one full input; none while the quota is unknown. */
  private long quotaBound() {
    long cap = quotaCap.getAsLong();
    return cap == Long.MAX_VALUE ? cap : Math.max(maxTokensPerItem, cap / QUOTA_SHARE);
  }

  /** Most tokens a request answers within the target at the speed seen so far. */
  private long latencyBound() {
    if (millisPerToken <= 0) {
      return Long.MAX_VALUE;
    }
    return Math.max(maxTokensPerItem, (long) (latencyTargetMillis / millisPerToken));
  }
}
