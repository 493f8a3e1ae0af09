package io.signalhub.indexing.core.job;

import java.time.Instant;

/**
 * Where a job is in its lifecycle and when it got there.
 *
 * @param reason why the job failed or was cancelled ({@code null} otherwise)
 * @param finishedAt when the job ended ({@code null} while it runs)
 */
public record JobState(
    JobStatus status, String reason, Instant createdAt, Instant updatedAt, Instant finishedAt) {

  /** A job just created. */
  public static JobState pending(Instant now) {
    return new JobState(JobStatus.PENDING, null, now, now, null);
  }
}
