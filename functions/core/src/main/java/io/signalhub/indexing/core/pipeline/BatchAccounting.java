package io.signalhub.indexing.core.pipeline;

import io.signalhub.indexing.core.job.BatchResult;
import io.signalhub.indexing.core.job.BatchState;
import io.signalhub.indexing.core.job.Failure;
import io.signalhub.indexing.core.job.JobStore;
import io.signalhub.indexing.core.metrics.PipelineMetrics;
import io.signalhub.indexing.core.pricing.ModelPrices;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Counts a batch's result into its job exactly once (the marker and the counters in one write) and
 * finishes the job when it was the last. The embedder accounts what it embedded; the dead-letter
 * consumer accounts what never got embedded, and needs no embedding provider to do so.
 */
public final class BatchAccounting {

  private final JobStore jobs;
  private final Clock clock;
  private final PipelineMetrics metrics;

  public BatchAccounting(JobStore jobs, Clock clock) {
    this(jobs, clock, PipelineMetrics.NONE);
  }

  /**
   * @param metrics told of each batch counted (once, like the counters)
   */
  public BatchAccounting(JobStore jobs, Clock clock, PipelineMetrics metrics) {
    this.jobs = jobs;
    this.clock = clock;
    this.metrics = metrics;
  }

  /** Counts a batch as failed without embedding it: the dead-letter queue's path. */
  public EmbedderService.Outcome failDeadLettered(BatchMessage message, int receiveCount) {
    if (jobs.batchState(message.jobId(), message.seq()) != BatchState.PENDING) {
      return EmbedderService.Outcome.ALREADY_ACCOUNTED;
    }
    Instant started = clock.instant();
    String reason = "batch reached the dead-letter queue after " + receiveCount + " receives";
    int expected = jobs.batchChunkCount(message.jobId(), message.seq());
    return account(message, allFailed(message, expected, reason), started, null);
  }

  /** Every chunk of the batch failed for {@code reason}, which names the batch in the sample. */
  public static BatchResult allFailed(BatchMessage message, int chunks, String reason) {
    return BatchResult.allFailed(
        chunks, reason, List.of(new Failure("batch " + message.seq(), reason)));
  }

  /**
   * Records the result once; a repeated call for the same batch changes nothing.
   *
   * @param started when the message was picked up (the batch's latency ends now)
   * @param model the job's model, to price its tokens; null if nothing was embedded
   */
  public EmbedderService.Outcome account(
      BatchMessage message, BatchResult result, Instant started, String model) {
    if (!jobs.recordBatch(message.jobId(), message.seq(), result, clock.instant())) {
      return EmbedderService.Outcome.ALREADY_ACCOUNTED;
    }
    metrics.batchAccounted(
        message.jobId(),
        message.seq(),
        result,
        Duration.between(started, clock.instant()),
        model == null ? null : ModelPrices.estimateUsd(model, result.tokens()).orElse(null));
    jobs.tryFinish(message.jobId(), clock.instant());
    return EmbedderService.Outcome.ACCOUNTED;
  }
}
