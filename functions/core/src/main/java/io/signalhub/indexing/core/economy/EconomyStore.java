package io.signalhub.indexing.core.economy;

import java.util.List;
import java.util.Optional;

/**
 * Where economy mode keeps its state: each job's mode, its provider batch submissions, and which
 * submission owns each registered batch. DynamoDB items beside the job's in production.
 */
public interface EconomyStore {

  /** Records the job's mode unless one is recorded; returns the recorded one. */
  EconomySettings modeIfAbsent(String jobId, EconomySettings settings);

  Optional<EconomySettings> mode(String jobId);

  /**
   * Makes {@code submissionId} the owner of the job's batch {@code seq} unless another submission
   * owns it, or moves it from {@code previousOwner} when that is given and is the owner.
   *
   * @return the owner after the call
   */
  String claim(String jobId, long seq, String submissionId, String previousOwner);

  /** Stores the submission unless one with its id exists; returns the stored one. */
  Submission createIfAbsent(Submission submission);

  Optional<Submission> get(String jobId, String submissionId);

  /** The job's submissions, oldest first. */
  List<Submission> list(String jobId);

  /**
   * Replaces a submission if its version is still {@code expected.version()}; the stored version is
   * one more.
   *
   * @return false if another writer changed it first
   */
  boolean update(Submission expected, Submission next);

  /** Removes the job's economy items (with the job). */
  void delete(String jobId);
}
