package io.signalhub.indexing.core.pipeline;

import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStore;
import java.time.Clock;
import java.util.Locale;

/**
 * What follows the moment a job's total is final: a job with no chunk at all fails with why, any
 * other finishes if nothing is pending (a job whose every chunk was cached ends here). Every step
 * is conditional, so a fan-out that runs it again after a crash changes nothing.
 */
final class FanOutCompletion {

  private final JobStore jobs;
  private final Clock clock;

  FanOutCompletion(JobStore jobs, Clock clock) {
    this.jobs = jobs;
    this.clock = clock;
  }

  void finish(String jobId) {
    JobRecord fannedOut = jobs.get(jobId).orElseThrow();
    if (fannedOut.counters().total() == 0) {
      jobs.fail(jobId, nothingToIndex(fannedOut), clock.instant());
      return;
    }
    jobs.tryFinish(jobId, clock.instant());
  }

  /** Why a job with no chunk at all ends FAILED rather than an empty COMPLETED. */
  private String nothingToIndex(JobRecord done) {
    if (done.counters().files() == 0) {
      return "nothing to index: the manifest lists no files";
    }
    StringBuilder reason =
        new StringBuilder("nothing to index: none of the ")
            .append(done.counters().files())
            .append(done.counters().files() == 1 ? " file" : " files")
            .append(" in the manifest yielded a chunk");
    if (!done.counters().skippedFiles().isEmpty()) {
      StringBuilder skips = new StringBuilder();
      done.counters()
          .skippedFiles()
          .forEach(
              (why, count) ->
                  skips
                      .append(skips.length() == 0 ? "" : ", ")
                      .append(why.name().toLowerCase(Locale.ROOT).replace('_', ' '))
                      .append(' ')
                      .append(count));
      reason.append(" (skipped: ").append(skips).append(')');
    }
    jobs.failureSample(done.jobId(), 1)
        .forEach(
            f -> reason.append("; first: ").append(f.location()).append(": ").append(f.reason()));
    return reason.toString();
  }
}
