package io.signalhub.indexing.core.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.signalhub.indexing.core.job.Failure;
import java.util.List;
import java.util.Map;

/**
 * A job as the status API reports it: counters, derived rate and ETA, timestamps (ISO-8601),
 * failures, and (for one job) its per-minute activity history. Rate and ETA are computed on read
 * from the last minute's throughput.
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
    List<Minute> history) {

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
