package io.signalhub.indexing.core.pipeline;

import io.signalhub.indexing.core.cache.EmbeddingCache;
import io.signalhub.indexing.core.job.JobDescription;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStore;
import io.signalhub.indexing.core.manifest.InvalidManifestException;
import io.signalhub.indexing.core.manifest.ManifestHeader;
import io.signalhub.indexing.core.manifest.ManifestIndex;
import io.signalhub.indexing.core.manifest.ManifestReader;
import io.signalhub.indexing.core.metrics.PipelineMetrics;
import io.signalhub.indexing.core.provider.ModelProfile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Turns a manifest into registered, enqueued batches: validates it whole before enqueuing anything,
 * streams its files (constant memory), chunks them, counts cached chunks as done, packs the rest
 * into token-budgeted batches and sends them in groups of up to 10.
 *
 * <p>Exactly-once, across duplicate events, crashes and continuations: one invocation at a time
 * holds the job's lease; each group's payloads are written to the bucket, then the group is
 * registered atomically with the cursor (batches, cached chunks, skipped files), then sent. A
 * resumed fan-out first resends the last group's batches that are still pending (byte-identical,
 * from the bucket; the embedder ignores duplicates), then continues from the cursor.
 */
public final class FanOutService {

  private static final Logger LOG = Logger.getLogger(FanOutService.class.getName());

  /** Clock skew allowed between a fan-out's deadline and the end of its lease. */
  private static final java.time.Duration LEASE_GRACE = java.time.Duration.ofSeconds(5);

  /** What one invocation did. */
  public enum Outcome {
    /** Everything registered; the job's total is final. */
    COMPLETED,
    /** Time ran short; the cursor is saved and a continuation must resume the job. */
    CONTINUE,
    /** The manifest is invalid; the job is FAILED with the reason. */
    FAILED,
    /** Another invocation holds the lease, or the fan-out was already done. */
    SKIPPED,
    /**
     * The manifest is above {@code signal-hub.fanout.shard-files} files: its shards must be started
     * as continuations ({@link #continuations}); they register everything.
     */
    SHARDED,
    /** The job was cancelled (or failed) while fanning out; nothing more was registered. */
    STOPPED,
    /** Not a manifest key. */
    IGNORED
  }

  private final PipelineSettings settings;
  private final JobStore jobs;
  private final BlobStore blobs;
  private final ModelProfile model;
  private final Clock clock;
  private final ShardedFanOut sharding;
  private final FanOutWalk walk;

  /**
   * @param metrics told of each group registered ({@link PipelineMetrics#NONE}: nobody)
   */
  public FanOutService(
      PipelineSettings settings,
      JobStore jobs,
      BlobStore blobs,
      BatchQueue queue,
      EmbeddingCache cache,
      ModelProfile model,
      Clock clock,
      PipelineMetrics metrics) {
    this.settings = settings;
    this.jobs = jobs;
    this.blobs = blobs;
    this.model = model;
    this.clock = clock;
    this.sharding = new ShardedFanOut(jobs, blobs, settings.shardFiles(), clock);
    this.walk = new FanOutWalk(settings, jobs, blobs, queue, cache, model, clock, metrics);
  }

  /**
   * Fans out the job of a manifest key (an S3 event or a continuation), or one shard of it (a
   * continuation naming a {@link ShardKey}).
   *
   * @param deadline when this invocation must have stopped (Lambda's remaining time)
   */
  public Outcome fanOut(String message, Instant deadline) {
    Optional<String> jobId = ShardKey.jobOf(message);
    if (jobId.isEmpty()) {
      LOG.info(() -> "Ignoring " + message + ": not manifests/<job-id>.json");
      return Outcome.IGNORED;
    }
    String manifestKey = ShardKey.manifestOf(message);
    Optional<ShardKey> shard = ShardKey.parse(message);
    if (shard.isPresent()) {
      return sharding.fanOut(
          jobId.get(),
          shard.get(),
          leaseEnd(deadline),
          track -> {
            ManifestIndex index = sharding.index(jobId.get());
            return walk.run(
                jobs.get(jobId.get()).orElseThrow(),
                header(manifestKey, index),
                index,
                track,
                deadline);
          });
    }
    String id = jobId.get();
    JobRecord job =
        jobs.createIfAbsent(
            JobRecord.pending(
                id,
                manifestKey,
                model.provider(),
                model.model(),
                model.dimensions(),
                clock.instant()));
    String owner = UUID.randomUUID().toString();
    if (!jobs.acquireFanoutLease(id, owner, clock.instant(), leaseEnd(deadline))) {
      LOG.info(() -> "Job " + id + " is done fanning out or another invocation holds its lease");
      return Outcome.SKIPPED;
    }
    try {
      if (!job.spec().model().equals(model.model())) {
        jobs.fail(
            id,
            "job was created for model "
                + job.spec().model()
                + " but this deployment embeds with "
                + model.model(),
            clock.instant());
        return Outcome.FAILED;
      }
      if (sharding.existing(id).isPresent()) {
        return Outcome.SHARDED; // a retry or a duplicate event: start the same shards again
      }
      ManifestReader.Summary manifest;
      try {
        manifest = ManifestCheck.validate(blobs, settings.manifestLimits(), manifestKey);
      } catch (InvalidManifestException e) {
        jobs.fail(id, "invalid manifest: " + e.getMessage(), clock.instant());
        return Outcome.FAILED;
      }
      ManifestHeader.JobSettings overrides = manifest.header().settings();
      jobs.describe(
          id,
          new JobDescription(
              manifest.header().repository(),
              manifest.header().revision(),
              manifest.files(),
              overrides.chunkTokens() > 0 ? overrides.chunkTokens() : settings.chunkTokens(),
              overrides.chunkTokens() > 0 || overrides.overlapLines() > 0
                  ? overrides.overlapLines()
                  : settings.overlapLines(),
              overrides.batchSize() > 0 ? overrides.batchSize() : settings.batchSize(),
              overrides.concurrency()),
          clock.instant());
      JobRecord described = jobs.get(id).orElseThrow();
      if (sharding.plan(described, manifest.index()).isPresent()) {
        return Outcome.SHARDED;
      }
      return walk.run(
          described,
          manifest.header(),
          manifest.index(),
          FanOutTrack.whole(jobs, described),
          deadline);
    } finally {
      jobs.releaseFanoutLease(id, owner);
    }
  }

  /**
   * What the caller must queue on the continuation queue after {@code outcome}: the same message
   * when time ran out, every shard's start when the manifest was sharded, nothing otherwise.
   */
  public List<String> continuations(String message, Outcome outcome) {
    return switch (outcome) {
      case CONTINUE -> List.of(message);
      case SHARDED -> sharding.starts(message, ShardKey.jobOf(message).orElseThrow());
      default -> List.of();
    };
  }

  /**
   * The header of a manifest validated before: its first bytes only when the index says no member
   * follows the files.
   */
  private ManifestHeader header(String manifestKey, ManifestIndex index) {
    var reader = new ManifestReader(settings.manifestLimits());
    try (InputStream in = blobs.open(manifestKey, 0, index.headerEnd())) {
      return index.headerFirst() ? reader.headerBeforeFiles(in) : reader.header(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InvalidManifestException e) {
      throw new IllegalStateException("The validated manifest " + manifestKey + " changed", e);
    }
  }

  /**
   * The lease ends when this invocation can no longer run: at its deadline (plus a few seconds of
   * clock skew), or after {@code signal-hub.fanout-lease-seconds} if that is sooner. An invocation
   * killed by its timeout or out of memory never releases its lease; Lambda retries it a minute
   * later, which must find the lease expired, not skip the job while it sits in FANNING_OUT.
   */
  private Instant leaseEnd(Instant deadline) {
    Instant byLease = clock.instant().plus(settings.fanoutLease());
    return deadline.isBefore(byLease.minus(LEASE_GRACE)) ? deadline.plus(LEASE_GRACE) : byLease;
  }
}
