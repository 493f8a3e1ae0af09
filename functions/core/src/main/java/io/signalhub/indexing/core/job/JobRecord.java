package io.signalhub.indexing.core.job;

import io.signalhub.indexing.core.source.SkipReason;
import java.time.Instant;
import java.util.Map;

/**
 * One indexing job as stored: identity, settings, counters and the fan-out's position.
 *
 * @param total chunks known so far (final once {@code fanoutComplete})
 * @param pending chunks registered in batches and not yet accounted
 * @param cursor where the fan-out stands
 * @param nextSeq the next batch number
 * @param lastGroupFrom where the last registered group started (to resend it after a crash)
 * @param lastGroupFirstSeq the first batch of that group
 */
public record JobRecord(
    String jobId,
    JobStatus status,
    String reason,
    String repository,
    String revision,
    String manifestKey,
    String provider,
    String model,
    int dimensions,
    int chunkTokens,
    int overlapLines,
    int batchSize,
    long files,
    long filesRead,
    Map<SkipReason, Long> skippedFiles,
    long total,
    boolean fanoutComplete,
    long completed,
    long failed,
    long cached,
    long pending,
    long batchesRegistered,
    long batchesProcessed,
    long apiCalls,
    long tokens,
    Instant createdAt,
    Instant updatedAt,
    Instant finishedAt,
    Cursor cursor,
    long nextSeq,
    Cursor lastGroupFrom,
    long lastGroupFirstSeq) {

  /** A new job as the fan-out creates it, before the manifest is read. */
  public static JobRecord pending(
      String jobId,
      String manifestKey,
      String provider,
      String model,
      int dimensions,
      Instant now) {
    return new JobRecord(
        jobId,
        JobStatus.PENDING,
        null,
        "",
        "",
        manifestKey,
        provider,
        model,
        dimensions,
        0,
        0,
        0,
        0,
        0,
        Map.of(),
        0,
        false,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        now,
        now,
        null,
        Cursor.START,
        0,
        Cursor.START,
        0);
  }
}
