package io.signalhub.indexing.core.job;

import io.signalhub.indexing.core.source.SkipReason;
import java.time.Instant;
import java.util.Map;

/**
 * One indexing job as stored, in four parts: what was asked ({@link JobSpec}), how far it has come
 * ({@link JobCounters}), where its fan-out stands ({@link FanOutPosition}) and where it is in its
 * lifecycle ({@link JobState}).
 */
public record JobRecord(
    String jobId, JobSpec spec, JobCounters counters, FanOutPosition fanOut, JobState state) {

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
        JobSpec.requested(manifestKey, provider, model, dimensions),
        JobCounters.NONE,
        FanOutPosition.START,
        JobState.pending(now));
  }

  /** The job's status (a shorthand for {@code state().status()}). */
  public JobStatus status() {
    return state.status();
  }

  /** A builder holding this record's values, to change some of them. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Changes a few of a job's many values, in any of its parts, without restating the others: {@code
   * job.toBuilder().completed(job.counters().completed() + 1).updatedAt(now).build()}.
   */
  public static final class Builder {
    private String jobId;
    private JobStatus status;
    private String reason;
    private JobSpec spec;
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
      spec = j.spec;
      JobCounters counters = j.counters;
      files = counters.files();
      filesRead = counters.filesRead();
      skippedFiles = counters.skippedFiles();
      total = counters.total();
      completed = counters.completed();
      failed = counters.failed();
      cached = counters.cached();
      pending = counters.pending();
      batchesRegistered = counters.batchesRegistered();
      batchesProcessed = counters.batchesProcessed();
      apiCalls = counters.apiCalls();
      tokens = counters.tokens();
      FanOutPosition fanOut = j.fanOut;
      fanoutComplete = fanOut.complete();
      cursor = fanOut.cursor();
      nextSeq = fanOut.nextSeq();
      lastGroupFirstSeq = fanOut.lastGroupFirstSeq();
      JobState state = j.state;
      status = state.status();
      reason = state.reason();
      createdAt = state.createdAt();
      updatedAt = state.updatedAt();
      finishedAt = state.finishedAt();
    }

    public Builder status(JobStatus value) {
      status = value;
      return this;
    }

    public Builder reason(String value) {
      reason = value;
      return this;
    }

    /** What the fan-out read from the manifest: the spec's repository and settings, the files. */
    public Builder described(JobDescription value) {
      spec = spec.described(value);
      files = value.files();
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
          spec,
          new JobCounters(
              files,
              filesRead,
              skippedFiles,
              total,
              completed,
              failed,
              cached,
              pending,
              batchesRegistered,
              batchesProcessed,
              apiCalls,
              tokens),
          new FanOutPosition(fanoutComplete, cursor, nextSeq, lastGroupFirstSeq),
          new JobState(status, reason, createdAt, updatedAt, finishedAt));
    }
  }
}
