package io.signalhub.indexing.core.job;

import java.util.List;

/**
 * What embedding one batch achieved, counted once into its job.
 *
 * @param completed chunks with a vector (cached ones included)
 * @param failed chunks that failed for good
 * @param cached chunks answered by the cache
 * @param apiCalls requests sent, retries included
 * @param tokens tokens billed
 * @param throttled requests the provider answered with 429
 * @param retries requests retried after a retryable failure
 * @param failures why chunks failed (a sample, at most a few)
 */
public record BatchResult(
    long completed,
    long failed,
    long cached,
    long apiCalls,
    long tokens,
    long throttled,
    long retries,
    List<Failure> failures) {

  /** Every chunk failed for the same reason (poison batch, dead-letter queue, fatal error). */
  public static BatchResult allFailed(int chunks, String reason, List<Failure> sample) {
    return new BatchResult(
        0,
        chunks,
        0,
        0,
        0,
        0,
        0,
        sample.isEmpty() ? List.of(new Failure("batch", reason)) : sample);
  }

  /** The activity this batch adds to its job's per-minute history. */
  public ActivityMinute activity(java.time.Instant minute) {
    return new ActivityMinute(minute, completed, failed, tokens, apiCalls, throttled, retries);
  }
}
