package io.signalhub.indexing.cli;

import io.signalhub.indexing.core.job.JobStatus;
import io.signalhub.indexing.core.pipeline.JobLifecycle;
import io.signalhub.indexing.core.pipeline.JobView;
import io.signalhub.indexing.core.pipeline.Keys;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;

/** {@code index} through the pipeline: upload, start the job, follow it, summarise. */
final class PipelineRun implements Callable<Integer> {

  private static final long POLL_MILLIS = 300;
  private static final long JOB_APPEARS_WITHIN_MILLIS = 60_000;

  /**
   * Per-job settings the user gave; they travel in the manifest's {@code settings}
   * (docs/manifest.schema.json), so the fan-out and the embedders of any stack honour them.
   */
  record JobOptions(
      Integer chunkTokens,
      Integer batchSize,
      Integer concurrency,
      boolean economy,
      boolean detach) {

    JobOptions(Integer chunkTokens, Integer batchSize, Integer concurrency) {
      this(chunkTokens, batchSize, concurrency, false, false);
    }

    /** The manifest's settings member: only what was given. */
    Map<String, Object> manifestSettings() {
      Map<String, Object> settings = new LinkedHashMap<>();
      if (chunkTokens != null) {
        settings.put("chunkTokens", chunkTokens);
      }
      if (batchSize != null) {
        settings.put("batchSize", batchSize);
      }
      if (concurrency != null) {
        settings.put("concurrency", concurrency);
      }
      if (economy) {
        settings.put("mode", "economy");
      }
      return settings;
    }
  }

  private final Path directory;
  private final StackConnection.Request stackRequest;
  private final JobOptions options;
  private final JobName name;
  private final long maxFileBytes;
  private final boolean json;

  PipelineRun(
      Path directory,
      StackConnection.Request stackRequest,
      JobOptions options,
      JobName name,
      long maxFileBytes,
      boolean json) {
    this.directory = directory;
    this.stackRequest = stackRequest;
    this.options = options;
    this.name = name;
    this.maxFileBytes = maxFileBytes;
    this.json = json;
  }

  @Override
  public Integer call() throws Exception {
    long started = System.nanoTime();
    String jobId = name.jobId();
    String sources = Keys.SOURCES + name.inBucket() + "/";
    SourceScan scan = SourceScan.of(directory, maxFileBytes);
    Optional<String> nothing = scan.nothingToIndex();
    if (nothing.isPresent()) {
      IndexSummary summary =
          IndexSummary.nothingToIndex(
              nothing.get(), stackRequest.provider(), scan, (System.nanoTime() - started) / 1e9);
      System.out.print(json ? summary.toJson() + "\n" : summary.toText());
      return SignalHubCli.FAILED;
    }
    try (StackConnection stack = StackConnection.open(stackRequest);
        CancelOnInterrupt interrupt = new CancelOnInterrupt()) {
      System.err.printf(
          "Uploading %s to s3://%s/%s (%s) ...%n",
          directory, stack.bucket(), sources, stack.description());
      SourceUploader uploader = new SourceUploader(stack.pipeline().s3(), stack.bucket());
      SourceUploader.Upload upload =
          uploader.upload(scan, name.repository(), sources, options.manifestSettings());
      System.err.printf(
          "%s (%,d uploaded, %,d unchanged); starting job %s%n",
          IndexSummary.count(upload.files(), "file", "files"),
          upload.uploaded(),
          upload.unchanged(),
          jobId);
      // from here on, Ctrl-C cancels the job; the loop below sees it end and summarises
      JobLifecycle lifecycle =
          new JobLifecycle(stack.pipeline().jobs(), stack.pipeline().blobs(), Clock.systemUTC());
      Runnable cancel = () -> lifecycle.cancel(jobId, "cancelled by the user (Ctrl-C)");
      interrupt.onInterrupt(cancel);
      uploader.putManifest(Keys.manifest(jobId), upload.manifest());
      if (options.economy() || options.detach()) {
        System.err.printf(
            "Job %s started%s.%nFollow it: scripts/status %s (or the status page); stop it:"
                + " scripts/jobs cancel %s%n",
            jobId,
            options.economy()
                ? " in economy mode: the provider's batch API embeds it at half the price; results"
                    + " come when its batches finish (OpenAI: within 24 h, often minutes)"
                : "",
            jobId,
            jobId);
      }
      if (options.detach()) {
        System.out.println(jobId);
        return 0;
      }
      JobView job =
          follow(
              ProgressBar.onStderr(stackRequest.environment()),
              stack.status(),
              jobId,
              interrupt::interrupted,
              cancel);
      // the run's own time: a wait for another run's stack is not part of it (said on stderr)
      double elapsed = (System.nanoTime() - started - stack.waited().toNanos()) / 1e9;
      IndexSummary summary = JobSummaries.summary(job, upload, elapsed);
      System.out.print(json ? summary.toJson() + "\n" : summary.toText());
      int exit = exitCode(job.status(), interrupt.interrupted());
      if (exit == CancelOnInterrupt.EXIT_CODE) {
        // a job cancelled during its fan-out never learned its total: say so, as the bar does
        System.err.printf(
            "Cancelled: %,d of %s%,d chunks were done and stay cached (batches already at the"
                + " provider finish and are counted too); a re-run pays only for the rest.%n",
            job.completed(), job.totalFinal() ? "" : "at least ", job.total());
      }
      return exit;
    }
  }

  /**
   * 130 for a job the user cancelled; otherwise the job's own ending decides, also when a Ctrl-C
   * came just as it finished (a COMPLETED summary with exit 130 would contradict itself).
   */
  static int exitCode(String status, boolean interrupted) {
    if (interrupted && JobStatus.CANCELLED.name().equals(status)) {
      return CancelOnInterrupt.EXIT_CODE;
    }
    return JobStatus.COMPLETED.name().equals(status) ? 0 : 1;
  }

  /** Polls the status API with a live {@code bar} until the job is terminal. */
  static JobView follow(ProgressBar bar, StatusClient status, String jobId) throws Exception {
    return follow(bar, status, jobId, () -> false, () -> {});
  }

  /**
   * Polls the status API with a live bar until the job is terminal; once {@code cancelled} says so,
   * repeats {@code cancel} each poll until the job has ended (the job may not exist yet when Ctrl-C
   * comes).
   */
  static JobView follow(
      ProgressBar bar,
      StatusClient status,
      String jobId,
      BooleanSupplier cancelled,
      Runnable cancel)
      throws Exception {
    long waitingSince = System.currentTimeMillis();
    while (true) {
      Optional<JobView> job = status.job(jobId);
      if (cancelled.getAsBoolean() && job.isPresent() && !isTerminal(job.get().status())) {
        cancel.run();
        job = status.job(jobId);
      }
      if (job.isEmpty()) {
        if (System.currentTimeMillis() - waitingSince > JOB_APPEARS_WITHIN_MILLIS) {
          throw new IllegalStateException(
              "Job "
                  + jobId
                  + " did not start within a minute: is the bucket's manifests/ notification wired to the fan-out?");
        }
      } else {
        bar.update(JobSummaries.progress(job.get()), JobSummaries.phase(job.get()));
        if (isTerminal(job.get().status())) {
          bar.finish();
          return job.get();
        }
      }
      Thread.sleep(POLL_MILLIS);
    }
  }

  static boolean isTerminal(String status) {
    return JobStatus.valueOf(status).terminal();
  }
}
