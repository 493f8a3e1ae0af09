package io.signalhub.indexing.cli;

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
