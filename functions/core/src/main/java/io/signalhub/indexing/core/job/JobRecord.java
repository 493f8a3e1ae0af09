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
 * @param lastGroupFirstSeq the first batch that may not have been sent yet: a resumed fan-out
 *     resends the pending batches from here to {@code nextSeq} (those of a group registered just
 *     before a crash)
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
    int concurrency,
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
        0);
  }

  /** A builder holding this record's values, to change some of them. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Changes a few of a job's many values without restating the others: {@code
   * job.toBuilder().completed(job.completed() + 1).updatedAt(now).build()}.
   */
  public static final class Builder {
    private String jobId;
    private JobStatus status;
    private String reason;
    private String repository;
    private String revision;
    private String manifestKey;
    private String provider;
    private String model;
    private int dimensions;
    private int chunkTokens;
    private int overlapLines;
    private int batchSize;
    private int concurrency;
    private long files;
    private long filesRead;
    private Map<SkipReason, Long> skippedFiles;
    private long total;
    private boolean fanoutComplete;
    private long completed;
    private long failed;
    private long cached;
    private long pending;
    private long batchesRegistered;
    private long batchesProcessed;
    private long apiCalls;
    private long tokens;
    private Instant createdAt;
    private Instant updatedAt;
    private Instant finishedAt;
    private Cursor cursor;
    private long nextSeq;
    private long lastGroupFirstSeq;

    private Builder(JobRecord j) {
      jobId = j.jobId;
      status = j.status;
      reason = j.reason;
      repository = j.repository;
      revision = j.revision;
      manifestKey = j.manifestKey;
      provider = j.provider;
      model = j.model;
      dimensions = j.dimensions;
      chunkTokens = j.chunkTokens;
      overlapLines = j.overlapLines;
      batchSize = j.batchSize;
      concurrency = j.concurrency;
      files = j.files;
      filesRead = j.filesRead;
      skippedFiles = j.skippedFiles;
      total = j.total;
      fanoutComplete = j.fanoutComplete;
      completed = j.completed;
      failed = j.failed;
      cached = j.cached;
      pending = j.pending;
      batchesRegistered = j.batchesRegistered;
      batchesProcessed = j.batchesProcessed;
      apiCalls = j.apiCalls;
      tokens = j.tokens;
      createdAt = j.createdAt;
      updatedAt = j.updatedAt;
      finishedAt = j.finishedAt;
      cursor = j.cursor;
      nextSeq = j.nextSeq;
      lastGroupFirstSeq = j.lastGroupFirstSeq;
    }

    public Builder status(JobStatus value) {
      status = value;
      return this;
    }

    public Builder reason(String value) {
      reason = value;
      return this;
    }

    public Builder repository(String value) {
      repository = value;
      return this;
    }

    public Builder revision(String value) {
      revision = value;
      return this;
    }

    public Builder chunkTokens(int value) {
      chunkTokens = value;
      return this;
    }

    public Builder overlapLines(int value) {
      overlapLines = value;
      return this;
    }

    public Builder concurrency(int value) {
      concurrency = value;
      return this;
    }

    public Builder batchSize(int value) {
      batchSize = value;
      return this;
    }

    public Builder files(long value) {
      files = value;
      return this;
    }

    public Builder filesRead(long value) {
      filesRead = value;
      return this;
    }

    public Builder skippedFiles(Map<SkipReason, Long> value) {
      skippedFiles = value;
      return this;
    }

    public Builder total(long value) {
      total = value;
      return this;
    }

    public Builder fanoutComplete(boolean value) {
      fanoutComplete = value;
      return this;
    }

    public Builder completed(long value) {
      completed = value;
      return this;
    }

    public Builder failed(long value) {
      failed = value;
      return this;
    }

    public Builder cached(long value) {
      cached = value;
      return this;
    }

    public Builder pending(long value) {
      pending = value;
      return this;
    }

    public Builder batchesRegistered(long value) {
      batchesRegistered = value;
      return this;
    }

    public Builder batchesProcessed(long value) {
      batchesProcessed = value;
      return this;
    }

    public Builder apiCalls(long value) {
      apiCalls = value;
      return this;
    }

    public Builder tokens(long value) {
      tokens = value;
      return this;
    }

    public Builder updatedAt(Instant value) {
      updatedAt = value;
      return this;
    }

    public Builder finishedAt(Instant value) {
      finishedAt = value;
      return this;
    }

    public Builder cursor(Cursor value) {
      cursor = value;
      return this;
    }

    public Builder nextSeq(long value) {
      nextSeq = value;
      return this;
    }

    public Builder lastGroupFirstSeq(long value) {
      lastGroupFirstSeq = value;
      return this;
    }

    public JobRecord build() {
      return new JobRecord(
          jobId,
          status,
          reason,
          repository,
          revision,
          manifestKey,
          provider,
          model,
          dimensions,
          chunkTokens,
          overlapLines,
          batchSize,
          concurrency,
          files,
          filesRead,
          skippedFiles,
          total,
          fanoutComplete,
          completed,
          failed,
          cached,
          pending,
          batchesRegistered,
          batchesProcessed,
          apiCalls,
          tokens,
          createdAt,
          updatedAt,
          finishedAt,
          cursor,
          nextSeq,
          lastGroupFirstSeq);
    }
  }
}
