package io.signalhub.indexing.core.pipeline;

import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStore;
import io.signalhub.indexing.core.job.ShardPlan;
import io.signalhub.indexing.core.manifest.ManifestIndex;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.logging.Logger;
import java.util.stream.IntStream;

/**
 * A manifest above {@code signal-hub.fanout.shard-files} files is fanned out in shards: contiguous
 * ranges of its files, each started as its own continuation (the queue and function that resume a
 * fan-out out of time), so Lambda runs them in parallel and the fan-out's wall time is bounded by
 * the longest shard, not by the manifest.
 *
 * <p>The invocation the manifest's upload triggers validates the manifest and records the plan
 * (once: a duplicate event or a retry finds it and starts the same shards again); it registers
 * nothing itself. Each shard invocation holds its shard's lease, streams its range from the shard's
 * cursor, registers groups against it (counting into the job's totals), and hands over to a
 * continuation of the same shard when time runs short. The job's total becomes final, and the job
 * leaves FANNING_OUT, in the write that completes its last shard, whichever that is.
 */
record ShardedFanOut(JobStore jobs, BlobStore blobs, long shardFiles, Clock clock) {

  private static final Logger LOG = Logger.getLogger(ShardedFanOut.class.getName());

  /** The plan the job was given before (its fan-out is sharded whatever the setting now says). */
  Optional<ShardPlan> existing(String jobId) {
    return jobs.shards().plan(jobId);
  }

  /**
   * The job's plan once its manifest is described: recorded now if its files are above the
   * threshold, and if its unsharded fan-out registered nothing yet. The manifest's index is stored
   * first, so every shard that finds the plan finds it too.
   */
  Optional<ShardPlan> plan(JobRecord described, ManifestIndex index) {
    return ShardPlan.of(described.counters().files(), shardFiles)
        .flatMap(
            proposed -> {
              blobs.put(Keys.manifestIndex(described.jobId()), index.toJson());
              return jobs.shards().plan(described.jobId(), proposed, clock.instant());
            });
  }

  /**
   * Where the job's manifest keeps its files, so a shard reads from near its own first file: {@link
   * ManifestIndex#NONE} (read from the start) if the plan predates indexes or it is unreadable.
   */
  ManifestIndex index(String jobId) {
    try {
      return ManifestIndex.fromJson(blobs.read(Keys.manifestIndex(jobId)));
    } catch (BlobStore.BlobNotFoundException | IOException e) {
      LOG.warning(() -> "Job " + jobId + " has no readable manifest index; shards read it whole");
      return ManifestIndex.NONE;
    }
  }

  /** The continuations that start every shard of the job (a running or done shard skips). */
  List<String> starts(String manifestKey, String jobId) {
    ShardPlan plan = existing(jobId).orElseThrow();
    return IntStream.range(0, plan.shards())
        .mapToObj(shard -> new ShardKey(manifestKey, shard).toString())
        .toList();
  }

  /**
   * One invocation of one shard: takes its lease, runs {@code walk} over the shard's track, lets
   * the lease go.
   *
   * @param leaseEnd when the lease must end (this invocation's deadline)
   */
  FanOutService.Outcome fanOut(
      String jobId,
      ShardKey key,
      Instant leaseEnd,
      Function<FanOutTrack, FanOutService.Outcome> walk) {
    JobRecord job = jobs.get(jobId).orElse(null);
    ShardPlan plan = existing(jobId).orElse(null);
    if (job == null || plan == null || key.shard() < 0 || key.shard() >= plan.shards()) {
      LOG.warning(() -> "Ignoring " + key + ": the job has no such shard");
      return FanOutService.Outcome.IGNORED;
    }
    if (job.status().terminal()) {
      return FanOutService.Outcome.SKIPPED;
    }
    String owner = UUID.randomUUID().toString();
    if (!jobs.shards().acquireLease(jobId, plan, key.shard(), owner, clock.instant(), leaseEnd)) {
      if (job.fanOut().complete()) {
        // the last shard completed the fan-out and stopped before the job's status moved on
        jobs.completeFanout(jobId, clock.instant());
        new FanOutCompletion(jobs, clock).finish(jobId);
      }
      LOG.info(() -> key + " is done or another invocation holds its lease");
      return FanOutService.Outcome.SKIPPED;
    }
    try {
      return walk.apply(FanOutTrack.shard(jobs, jobId, plan, key.shard()));
    } finally {
      jobs.shards().releaseLease(jobId, key.shard(), owner);
    }
  }
}
