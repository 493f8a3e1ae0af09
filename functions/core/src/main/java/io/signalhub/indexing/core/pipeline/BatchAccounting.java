package io.signalhub.indexing.core.pipeline;

import io.signalhub.indexing.core.job.BatchResult;
import io.signalhub.indexing.core.job.BatchState;
import io.signalhub.indexing.core.job.Failure;
import io.signalhub.indexing.core.job.JobStore;
import java.time.Clock;
import java.util.List;

/**
 * Counts a batch's result into its job exactly once (the marker and the counters in one write) and
 * finishes the job when it was the last. The embedder accounts what it embedded; the dead-letter
 * consumer accounts what never got embedded, and needs no embedding provider to do so.
 */
public final class BatchAccounting {

  private final JobStore jobs;
  private final Clock clock;

  public BatchAccounting(JobStore jobs, Clock clock) {
    this.jobs = jobs;
    this.clock = clock;
  }

  /** Counts a batch as failed without embedding it: the dead-letter queue's path. */
  public EmbedBatchService.Outcome failDeadLettered(BatchMessage message, int receiveCount) {
    if (jobs.batchState(message.jobId(), message.seq()) != BatchState.PENDING) {
      return EmbedBatchService.Outcome.ALREADY_ACCOUNTED;
    }
    String reason = "batch reached the dead-letter queue after " + receiveCount + " receives";
    int expected = jobs.batchSize(message.jobId(), message.seq());
    return account(
        message,
        BatchResult.allFailed(
            expected, reason, List.of(new Failure("batch " + message.seq(), reason))));
  }

  /** Records the result once; a repeated call for the same batch changes nothing. */
  public EmbedBatchService.Outcome account(BatchMessage message, BatchResult result) {
    if (!jobs.recordBatch(message.jobId(), message.seq(), result, clock.instant())) {
      return EmbedBatchService.Outcome.ALREADY_ACCOUNTED;
    }
    jobs.recordThroughput(message.jobId(), clock.instant(), result.completed() + result.failed());
    jobs.tryFinish(message.jobId(), clock.instant());
    return EmbedBatchService.Outcome.ACCOUNTED;
  }
}
