package io.signalhub.indexing.core.pipeline;

import io.signalhub.indexing.core.job.JobPage;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.logging.Logger;

/**
 * Brings unfinished jobs back after a restart that lost queued messages (the local stack keeps
 * tables and objects in its data directory, not its queues): resends every pending batch (the
 * embedder ignores any it already accounted; economy mode gathers the ones no submission holds) and
 * resumes fan-outs that had not finished.
 */
public final class PipelineRecovery {

  private static final Logger LOG = Logger.getLogger(PipelineRecovery.class.getName());

  private final JobStore jobs;
  private final BatchQueue queue;

  public PipelineRecovery(JobStore jobs, BatchQueue queue) {
    this.jobs = jobs;
    this.queue = queue;
  }

  /**
   * @param resumeFanOut called with the manifest key and a deadline for each job whose fan-out did
   *     not finish
   * @return the ids of the jobs recovered
   */
  public List<String> recover(BiConsumer<String, Instant> resumeFanOut) {
    List<String> recovered = new ArrayList<>();
    String cursor = null;
    do {
      JobPage page = jobs.list(100, cursor);
      for (JobRecord job : page.jobs()) {
        if (job.status().terminal()) {
          continue;
        }
        List<Long> pending = jobs.pendingBatches(job.jobId());
        int resent = PendingBatches.resend(jobs, queue, job.jobId(), pending);
        allSent(job.jobId(), pending);
        if (!job.fanOut().complete()) {
          resumeFanOut.accept(job.spec().manifestKey(), Instant.MAX);
        }
        LOG.info(
            () ->
                "Recovered job "
                    + job.jobId()
                    + ": "
                    + resent
                    + " batches resent"
                    + (job.fanOut().complete() ? "" : ", fan-out resumed"));
        recovered.add(job.jobId());
      }
      cursor = page.nextCursor();
    } while (cursor != null);
    return recovered;
  }

  /**
   * Tells the queue each run of consecutive resent batches was sent whole (economy mode gathers
   * them: the gathers queued before the restart were lost with the queue). Runs, not one range: a
   * shard's batch numbers are far from the next shard's.
   */
  private void allSent(String jobId, List<Long> pending) {
    for (int first = 0, i = 1; i <= pending.size(); i++) {
      if (i == pending.size() || pending.get(i) != pending.get(i - 1) + 1) {
        queue.allSent(jobId, pending.get(first), pending.get(i - 1) + 1);
        first = i;
      }
    }
  }
}
