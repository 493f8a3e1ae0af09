package io.signalhub.indexing.core.metrics;

import io.signalhub.indexing.core.job.BatchResult;
import java.time.Duration;

/**
 * What the pipeline reports to an operator's metrics, as it happens. The functions write CloudWatch
 * Embedded Metric Format lines (an adapter in the AWS module); everything else reports nothing.
 */
public interface PipelineMetrics {

  /**
   * A batch was counted into its job (once: redeliveries report nothing).
   *
   * @param latency from the message's pickup to its accounting
   * @param estimatedCostUsd the tokens' price at the model's published rate; null if unknown
   */
  void batchAccounted(
      String jobId, long seq, BatchResult result, Duration latency, Double estimatedCostUsd);

  /** The fan-out registered and enqueued a group of batches, and found some chunks cached. */
  void groupRegistered(String jobId, int batches, long batchedChunks, long cachedChunks);

  /**
   * The function answered a request (functions without batches, such as the status API, report
   * their cold starts through it).
   */
  default void requestServed() {}

  /** Reports nothing: the library, the CLI and the local stack. */
  PipelineMetrics NONE =
      new PipelineMetrics() {
        @Override
        public void batchAccounted(
            String jobId, long seq, BatchResult result, Duration latency, Double cost) {}

        @Override
        public void groupRegistered(
            String jobId, int batches, long batchedChunks, long cachedChunks) {}
      };
}
