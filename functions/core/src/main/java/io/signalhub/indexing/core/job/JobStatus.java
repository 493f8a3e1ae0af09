package io.signalhub.indexing.core.job;

/** Where a job is in its life. The last three are terminal. */
public enum JobStatus {
  PENDING,
  FANNING_OUT,
  EMBEDDING,
  COMPLETED,
  COMPLETED_WITH_FAILURES,
  FAILED;

  public boolean terminal() {
    return this == COMPLETED || this == COMPLETED_WITH_FAILURES || this == FAILED;
  }
}
