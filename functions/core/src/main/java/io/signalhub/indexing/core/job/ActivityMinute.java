package io.signalhub.indexing.core.job;

import java.time.Instant;

/**
 * What a job's embedders did in one wall-clock minute: the history the status page charts. Kept
 * with the job, counted in the same atomic write as the batch it comes from, so a redelivered batch
 * never counts twice here either.
 *
 * @param minute the minute's start (UTC, whole minute)
 * @param completed chunks that got a vector
 * @param failed chunks that failed for good
 * @param tokens tokens billed
 * @param requests requests sent to the provider, retries included
 * @param throttled requests answered with 429
 * @param retries requests retried
 */
public record ActivityMinute(
    Instant minute,
    long completed,
    long failed,
    long tokens,
    long requests,
    long throttled,
    long retries) {

  /** The start of the minute {@code at} falls in. */
  public static Instant minuteOf(Instant at) {
    return Instant.ofEpochSecond(Math.floorDiv(at.getEpochSecond(), 60) * 60);
  }

  /** Chunks finished (completed or failed) in the minute. */
  public long chunks() {
    return completed + failed;
  }

  /** Both minutes' counts added up (for the same minute). */
  public ActivityMinute plus(ActivityMinute other) {
    return new ActivityMinute(
        minute,
        completed + other.completed,
        failed + other.failed,
        tokens + other.tokens,
        requests + other.requests,
        throttled + other.throttled,
        retries + other.retries);
  }
}
