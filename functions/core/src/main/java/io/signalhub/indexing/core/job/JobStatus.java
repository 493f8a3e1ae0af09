package io.signalhub.indexing.core.job;

/** Where a job is in its life. The last four are terminal. */
public enum JobStatus {
  PENDING,
  FANNING_OUT,
  EMBEDDING,
  COMPLETED,
  COMPLETED_WITH_FAILURES,
  FAILED,
  /** Stopped on request (Ctrl-C, {@code scripts/jobs cancel}): nothing more is embedded. */
  CANCELLED;

  public boolean terminal() {
    return this == COMPLETED
        || this == COMPLETED_WITH_FAILURES
        || this == FAILED
        || this == CANCELLED;
  }

  /** Whether the job's remaining batches are dropped instead of embedded. */
  public boolean stopped() {
    return this == FAILED || this == CANCELLED;
  }
}
