package io.signalhub.indexing.core.pipeline;

import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStore;
import java.time.Clock;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Ends the job of a fan-out that failed on every attempt (invariant 9: every job ends). Lambda
 * hands such a fan-out to its on-failure destination, SQS moves such a continuation to its
 * dead-letter queue; either way it arrives here with the manifest key and what went wrong, and the
 * job becomes {@code FAILED} with that reason. It builds no model profile and reads no manifest, so
 * it works whatever made the fan-out fail.
 */
public final class FanOutFailureService {

  private static final Logger LOG = Logger.getLogger(FanOutFailureService.class.getName());

  /** What became of a failed fan-out. */
  public enum Outcome {
    /** The job is now FAILED with the reason. */
    FAILED,
    /** The job had already ended (a repeated delivery, or a later attempt finished it). */
    ALREADY_ENDED,
    /** Not a manifest key: there is no job to end. */
    IGNORED
  }

  private final JobStore jobs;
  private final String provider;
  private final String model;
  private final Clock clock;

  /**
   * @param provider and {@code model}: what a job the fan-out never got to create is recorded with
   */
  public FanOutFailureService(JobStore jobs, String provider, String model, Clock clock) {
    this.jobs = jobs;
    this.provider = provider;
    this.model = model;
    this.clock = clock;
  }

  /**
   * @param message the manifest key, or a continuation naming one shard of its job ({@link
   *     ShardKey}): a shard that keeps failing fails its whole job
   */
  public Outcome fail(String message, String reason) {
    Optional<String> jobId = ShardKey.jobOf(message);
    if (jobId.isEmpty()) {
      LOG.info(() -> "Ignoring failed fan-out of " + message + ": not manifests/<job-id>.json");
      return Outcome.IGNORED;
    }
    String manifestKey = ShardKey.manifestOf(message);
    // the fan-out may have crashed before it created the job: the status API must still say why
    JobRecord job =
        jobs.createIfAbsent(
            JobRecord.pending(jobId.get(), manifestKey, provider, model, 0, clock.instant()));
    if (job.status().terminal()) {
      return Outcome.ALREADY_ENDED;
    }
    String why =
        ShardKey.parse(message).map(s -> "shard " + s.shard() + ": " + reason).orElse(reason);
    jobs.fail(jobId.get(), "fan-out failed: " + why, clock.instant());
    LOG.warning(() -> "Job " + jobId.get() + " failed: fan-out failed: " + why);
    return Outcome.FAILED;
  }
}
