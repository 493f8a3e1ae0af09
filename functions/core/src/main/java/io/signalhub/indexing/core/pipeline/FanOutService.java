package io.signalhub.indexing.core.pipeline;

import io.signalhub.indexing.core.batch.BatchBounds;
import io.signalhub.indexing.core.batch.Batcher;
import io.signalhub.indexing.core.cache.EmbeddingCache;
import io.signalhub.indexing.core.chunk.ChunkingOptions;
import io.signalhub.indexing.core.chunk.CodeChunker;
import io.signalhub.indexing.core.job.BatchState;
import io.signalhub.indexing.core.job.Cursor;
import io.signalhub.indexing.core.job.FanOutPosition;
import io.signalhub.indexing.core.job.JobDescription;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStore;
import io.signalhub.indexing.core.manifest.InvalidManifestException;
import io.signalhub.indexing.core.manifest.ManifestHeader;
import io.signalhub.indexing.core.manifest.ManifestReader;
import io.signalhub.indexing.core.metrics.PipelineMetrics;
import io.signalhub.indexing.core.provider.ModelProfile;
import io.signalhub.indexing.core.ratelimit.RateBudget;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import java.util.stream.LongStream;

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
  private final BatchQueue queue;
  private final EmbeddingCache cache;
  private final ModelProfile model;
  private final Clock clock;
  private final PipelineMetrics metrics;
  private final ShardedFanOut sharding;
  private final FanOutCompletion completion;

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
    this.metrics = metrics;
    this.settings = settings;
    this.jobs = jobs;
    this.blobs = blobs;
    this.queue = queue;
    this.cache = cache;
    this.model = model;
    this.clock = clock;
    this.sharding = new ShardedFanOut(jobs, settings.shardFiles(), clock);
    this.completion = new FanOutCompletion(jobs, clock);
  }

  /**
   * Fans out the job of a manifest key (an S3 event or a continuation), or one shard of it (a
   * continuation naming a {@link ShardKey}).
   *
   * @param deadline when this invocation must have stopped (Lambda's remaining time)
   */
  public Outcome fanOut(String message, Instant deadline) {
    String manifestKey = ShardKey.manifestOf(message);
    Optional<String> jobId = Keys.jobIdOf(manifestKey);
    if (jobId.isEmpty()) {
      LOG.info(() -> "Ignoring " + message + ": not manifests/<job-id>.json");
      return Outcome.IGNORED;
    }
    Optional<ShardKey> shard = ShardKey.parse(message);
    if (shard.isPresent()) {
      return sharding.fanOut(
          jobId.get(),
          shard.get(),
          leaseEnd(deadline),
          track -> walk(jobs.get(jobId.get()).orElseThrow(), header(manifestKey), track, deadline));
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
      if (sharding.plan(described).isPresent()) {
        return Outcome.SHARDED;
      }
      return walk(described, manifest.header(), FanOutTrack.whole(jobs, described), deadline);
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
      case SHARDED ->
          sharding.starts(message, Keys.jobIdOf(ShardKey.manifestOf(message)).orElseThrow());
      default -> List.of();
    };
  }

  /** Resends what the track's last invocation may not have sent, then walks on from its cursor. */
  private Outcome walk(JobRecord job, ManifestHeader header, FanOutTrack track, Instant deadline) {
    resendPendingBatches(job.jobId(), track.position());
    ExecutorService executor = newExecutor(settings.fanoutThreads());
    try {
      return new Run(job, header, track, deadline, executor).stream(job.spec().manifestKey());
    } finally {
      executor.shutdownNow();
    }
  }

  /** The header of a manifest validated before (a shard reads no further). */
  private ManifestHeader header(String manifestKey) {
    try (InputStream in = blobs.open(manifestKey)) {
      return new ManifestReader(settings.manifestLimits()).header(in);
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

  /** Daemon threads, so an abandoned read-ahead never keeps a JVM alive. */
  private static ExecutorService newExecutor(int threads) {
    AtomicInteger count = new AtomicInteger();
    return Executors.newFixedThreadPool(
        threads,
        task -> {
          Thread thread = new Thread(task, "fan-out-" + count.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
  }

  /** Batches of the last group may have been registered but not sent when a fan-out crashed. */
  private void resendPendingBatches(String jobId, FanOutPosition position) {
    List<Long> pending =
        LongStream.range(position.lastGroupFirstSeq(), position.nextSeq())
            .filter(seq -> jobs.batchState(jobId, seq) == BatchState.PENDING)
            .boxed()
            .toList();
    if (!pending.isEmpty()) {
      LOG.info(() -> "Resending " + pending.size() + " pending batches of job " + jobId);
      PendingBatches.resend(jobs, queue, jobId, pending);
    }
  }

  /** One invocation's walk from its track's cursor (the job's, or one shard's). */
  private final class Run {
    private final JobRecord job;
    private final ManifestHeader header;
    private final FanOutTrack track;
    private final Instant deadline;
    private final ExecutorService executor;
    private final CodeChunker chunker;
    private final GroupPacker groups;

    Run(
        JobRecord job,
        ManifestHeader header,
        FanOutTrack track,
        Instant deadline,
        ExecutorService executor) {
      this.job = job;
      this.header = header;
      this.track = track;
      this.deadline = deadline;
      this.executor = executor;
      this.chunker =
          new CodeChunker(
              model.tokenCounter(),
              ChunkingOptions.forProvider(
                  model.limits(), job.spec().chunkTokens(), job.spec().overlapLines()));
      Batcher<ChunkStream.Piece> batcher =
          new Batcher<>(
              // a batch larger than the tokens/min quota could never be served; quotas learned
              // later are applied by the embedder, which cuts a registered batch into requests
              BatchBounds.forProvider(
                  model.limits(),
                  job.spec().batchSize(),
                  RateBudget.batchTokenBudget(settings.tokensPerMinute())),
              p -> p.chunk().tokens(),
              p -> Batcher.jsonStringBytes(p.chunk().text()));
      this.groups =
          new GroupPacker(
              batcher.packer(track.position().nextSeq()),
              new GroupWriter(job.jobId(), jobs, track, blobs, queue, clock, metrics, executor),
              track.position().cursor(),
              settings.groupBatches(),
              model.model(),
              settings.vectorEncoding());
    }

    Outcome stream(String manifestKey) {
      try {
        return streamFromCursor(manifestKey);
      } catch (GroupWriter.JobStopped stopped) {
        LOG.info(() -> "Job " + job.jobId() + " stopped while fanning out: " + stopped.status);
        return Outcome.STOPPED;
      }
    }

    private Outcome streamFromCursor(String manifestKey) {
      Cursor start = track.position().cursor();
      ChunkStream.Reader reader =
          new ChunkStream.Reader(blobs, header.sourcesPrefix(), chunker, settings.secrets(), model);
      try (InputStream in = blobs.open(manifestKey);
          ChunkStream files =
              new ChunkStream(
                  new ManifestReader(settings.manifestLimits()).files(in),
                  start,
                  track.endFile(),
                  reader,
                  cache,
                  executor,
                  ChunkStream.ReadAhead.DEFAULT)) {
        while (files.hasNext()) {
          ChunkStream.ReadFile file = files.next();
          // at least one file per invocation, so a continuation always makes progress
          if (file.index() > start.file()
              && clock.instant().isAfter(deadline.minus(settings.fanoutSafetyMargin()))) {
            return stopAt(new Cursor(file.index(), 0));
          }
          groups.take(file);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      long endSeq = groups.flushAll(new Cursor(track.endFile(), 0));
      track.confirmSent(endSeq);
      queue.allSent(job.jobId(), track.firstSeq(), endSeq);
      if (track.complete(clock.instant())) {
        completion.finish(job.jobId());
      }
      return Outcome.COMPLETED;
    }

    /** Time ran short: everything before {@code cursor} is registered and sent. */
    private Outcome stopAt(Cursor cursor) {
      track.confirmSent(groups.flushAll(cursor));
      return Outcome.CONTINUE;
    }
  }
}
