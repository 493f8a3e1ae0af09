package io.signalhub.indexing.core.job;

import io.signalhub.indexing.core.source.SkipReason;
import java.util.Map;

/**
 * How far a job has come, in files, chunks, batches, provider calls and tokens. Each chunk is
 * counted exactly once as completed or failed.
 *
 * @param files files in the manifest
 * @param filesRead files the fan-out has read so far
 * @param skippedFiles files the fan-out skipped, by reason
 * @param total chunks known so far (final once the fan-out is complete)
 * @param completed chunks embedded or found in the cache
 * @param failed chunks that could not be embedded
 * @param cached chunks found in the cache (part of {@code completed})
 * @param pending chunks registered in batches and not yet accounted
 */
public record JobCounters(
    long files,
    long filesRead,
    Map<SkipReason, Long> skippedFiles,
    long total,
    long completed,
    long failed,
    long cached,
    long pending,
    long batchesRegistered,
    long batchesProcessed,
    long apiCalls,
    long tokens) {

  /** Nothing counted yet. */
  public static final JobCounters NONE = new JobCounters(0, 0, Map.of(), 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
