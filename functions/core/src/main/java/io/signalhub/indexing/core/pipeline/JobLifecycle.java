package io.signalhub.indexing.core.pipeline;

import io.signalhub.indexing.core.job.JobPage;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStatus;
import io.signalhub.indexing.core.job.JobStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a user does to jobs besides starting them: cancel one, delete one with everything it stored,
 * prune old ones. Behind {@code scripts/jobs}; works the same on every stack because it only speaks
 * to the job store and the bucket. A record: those two and the clock are all it holds.
 */
public record JobLifecycle(JobStore jobs, BlobStore blobs, Clock clock) {

  /** What {@link #delete} removed. */
  public record Deleted(String jobId, JobStatus status, int objects) {}

  /**
   * Cancels a job that has not ended: no more batches are registered or embedded.
   *
   * @return the job as it stands after the call (empty if there is no such job)
   */
  public Optional<JobRecord> cancel(String jobId, String reason) {
    jobs.cancel(jobId, reason, clock.instant());
    return jobs.get(jobId);
  }

  /**
   * Deletes a job: cancels it if it is still running (so no embedder writes after the delete), then
   * removes its vectors, batch payloads and manifest from the bucket and its items from the job
   * store. Sources stay: other jobs of the repository share them.
   */
  public Optional<Deleted> delete(String jobId) {
    Optional<JobRecord> job = jobs.get(jobId);
    if (job.isEmpty()) {
      return Optional.empty();
    }
    jobs.cancel(jobId, "deleted", clock.instant());
    List<String> keys = new ArrayList<>();
    keys.addAll(blobs.list(Keys.vectorsPrefix(jobId)));
    keys.addAll(blobs.list(Keys.BATCHES + jobId + "/"));
    if (blobs.size(Keys.manifest(jobId)).isPresent()) {
      keys.add(Keys.manifest(jobId));
    }
    blobs.delete(keys);
    jobs.delete(jobId);
    return Optional.of(new Deleted(jobId, job.get().status(), keys.size()));
  }

  /**
   * Deletes every ended job but the newest {@code keep} successful ones of each repository: what a
   * no-op re-index leaves behind (each job's vectors are a complete copy, docs/vectors.md). Jobs
   * still running are never touched; failed and cancelled ones are deleted too.
   */
  public List<Deleted> prune(int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("keep must be >= 1, was " + keep);
    }
    Map<String, Integer> keptPerRepository = new HashMap<>();
    List<String> doomed = new ArrayList<>();
    String cursor = null;
    do {
      JobPage page = jobs.list(100, cursor); // newest first
      for (JobRecord job : page.jobs()) {
        if (!job.status().terminal()) {
          continue;
        }
        boolean successful =
            job.status() == JobStatus.COMPLETED
                || job.status() == JobStatus.COMPLETED_WITH_FAILURES;
        if (successful
            && keptPerRepository.merge(job.spec().repository(), 1, Integer::sum) <= keep) {
          continue;
        }
        doomed.add(job.jobId());
      }
      cursor = page.nextCursor();
    } while (cursor != null);
    List<Deleted> deleted = new ArrayList<>();
    for (String jobId : doomed) {
      delete(jobId).ifPresent(deleted::add);
    }
    return deleted;
  }
}
