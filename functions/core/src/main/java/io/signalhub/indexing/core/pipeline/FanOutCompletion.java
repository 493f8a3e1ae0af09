package io.signalhub.indexing.core.pipeline;

import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStore;
import java.time.Clock;

/**
 * What follows the moment a job's total is final: a job with no chunk at all fails with why, any
 * other finishes if nothing is pending (a job whose every chunk was cached ends here). Every step
 * is conditional, so a fan-out that runs it again after a crash changes nothing.
 */
record FanOutCompletion(JobStore jobs, Clock clock) {

  void finish(String jobId) {
    JobRecord fannedOut = jobs.get(jobId).orElseThrow();
    if (fannedOut.counters().total() == 0) {
      jobs.fail(
          jobId,
          EmptyJob.reason(fannedOut.counters(), jobs.failureSample(jobId, 1)),
          clock.instant());
      return;
    }
    jobs.tryFinish(jobId, clock.instant());
  }
}
