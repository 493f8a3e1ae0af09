package io.signalhub.indexing.core.job;

/** A batch marker's state: registered and waiting, accounted, or unknown. */
public enum BatchState {
  PENDING,
  DONE,
  MISSING
}
