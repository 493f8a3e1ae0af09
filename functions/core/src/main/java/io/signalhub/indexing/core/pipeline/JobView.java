package io.signalhub.indexing.core.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.signalhub.indexing.core.job.Failure;
import java.util.List;
import java.util.Map;

/**
 * A job as the status API reports it: counters, derived rate and ETA, timestamps (ISO-8601),
 * failures, and (for one job) its per-minute activity history. Rate and ETA are computed on read
 * from the last minute's throughput. {@code economy} is null for an on-demand job.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record JobView(
    String jobId,
    String status,
    String reason,
    String repository,
    String revision,
    String provider,
    String model,
    long files,
    long filesRead,
    Map<String, Long> skippedFiles,
    long total,
    boolean totalFinal,
    long completed,
    long failed,
    long cached,
    long pending,
    double percent,
    long batches,
    long batchesProcessed,
    long apiCalls,
    long apiCallsSaved,
    long tokens,
    Double estimatedCostUsd,
    double chunksPerSecond,
    Long etaSeconds,
    boolean etaProvisional,
    String createdAt,
    String updatedAt,
    String finishedAt,
    double elapsedSeconds,
    List<Failure> failures,
    List<Minute> history,
    Economy economy) {

  /**
   * Economy mode's part: the job's provider batches as last polled, and why there is no ETA.
   *
   * @param fallback what becomes of an expired, cancelled or failed provider batch
   * @param eta "depends on the provider" with what the provider promises
   * @param batchTokens tokens bought at the batch price so far (in {@code estimatedCostUsd} at half
   *     price)
   */
  public record Economy(
      String fallback, String eta, long batchTokens, List<ProviderBatchView> providerBatches) {}

  /**
   * One provider batch: {@code "in_progress 40%"} in {@code summary}.
   *
   * @param outcome how it ended on our side (counted, sent on demand, resubmitted, failed)
   */
  public record ProviderBatchView(
      String submission,
      String providerBatchId,
      String state,
      int requests,
      int done,
      String summary,
      String outcome) {}

  /**
   * One minute of the job's activity history (the page's chart), oldest first, gaps filled with
   * zeros.
   *
   * @param minute the minute's start, ISO-8601
   * @param seconds how much of the minute the job was running (less for its first, last and the
   *     current minute), so {@code chunksPerSecond} is a true rate
   * @param chunksPerSecond chunks finished (completed or failed) per second in the minute
   */
  public record Minute(
      String minute,
      double seconds,
      long completed,
      long failed,
      double chunksPerSecond,
      long tokens,
      long requests,
      long throttled,
      long retries) {}
}
