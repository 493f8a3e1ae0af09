package io.signalhub.indexing.core.pipeline;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.signalhub.indexing.core.job.Failure;
import java.util.List;
import java.util.Map;

/**
 * A job as the status API reports it: counters, derived rate and ETA, timestamps (ISO-8601),
 * failures. Rate and ETA are computed on read from the last minute's throughput.
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
    List<Failure> failures) {}
