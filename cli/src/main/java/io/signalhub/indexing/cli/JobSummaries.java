package io.signalhub.indexing.cli;

import io.signalhub.indexing.core.job.JobStatus;
import io.signalhub.indexing.core.pipeline.JobView;
import io.signalhub.indexing.core.progress.Progress;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Turns the status API's view of a job into the CLI's progress bar and summary. */
final class JobSummaries {

  private JobSummaries() {}

  static Progress progress(JobView job) {
    return new Progress(
        job.total(),
        job.totalFinal(),
        job.completed(),
        job.failed(),
        job.cached(),
        job.batchesProcessed(),
        job.apiCalls(),
        job.apiCallsSaved(),
        job.tokens(),
        0,
        0,
        0,
        job.chunksPerSecond(),
        job.etaSeconds() == null ? null : Duration.ofSeconds(job.etaSeconds()),
        Duration.ofMillis((long) (job.elapsedSeconds() * 1000)),
        List.of());
  }

  /**
   * What a job does while nothing of it is embedded yet, for the bar to show instead of "0/~0
   * chunks": "reading the manifest ..." until the fan-out has read a file, then "fanning out:
   * 12/151 files read, 340 chunks so far". Null once chunks are done, or the job has moved on.
   */
  static String phase(JobView job) {
    boolean starting =
        JobStatus.PENDING.name().equals(job.status())
            || JobStatus.FANNING_OUT.name().equals(job.status());
    if (!starting || job.completed() + job.failed() > 0) {
      return null;
    }
    if (job.filesRead() == 0) {
      return "reading the manifest ...";
    }
    return String.format(
        "fanning out: %,d/%,d files read, %s so far",
        job.filesRead(), job.files(), IndexSummary.count(job.total(), "chunk", "chunks"));
  }

  static IndexSummary summary(JobView job, SourceUploader.Upload upload, double elapsedSeconds) {
    List<String> failures =
        job.failures() == null
            ? List.of()
            : job.failures().stream().map(f -> f.location() + ": " + f.reason()).toList();
    Map<String, Long> skipped =
        new java.util.TreeMap<>(upload == null ? Map.of() : upload.scan().skipCounts());
    if (job.skippedFiles() != null) {
      job.skippedFiles().forEach((reason, count) -> skipped.merge(reason, count, Long::sum));
    }
    return IndexSummary.of(
        new IndexSummary.Header(
            job.jobId(), job.status(), job.reason(), job.provider(), job.model()),
        upload == null ? job.files() : upload.files(),
        upload == null ? null : upload.uploaded(),
        job.total(),
        progress(job),
        job.estimatedCostUsd(),
        elapsedSeconds,
        skipped,
        upload == null ? Map.of() : upload.scan().skippedFiles(),
        failures);
  }
}
