package io.signalhub.indexing.core.pipeline;

import io.signalhub.indexing.core.ParallelCalls;
import io.signalhub.indexing.core.batch.BatchBounds;
import io.signalhub.indexing.core.batch.Batcher;
import io.signalhub.indexing.core.cache.EmbeddingCache;
import io.signalhub.indexing.core.chunk.ChunkingOptions;
import io.signalhub.indexing.core.chunk.CodeChunker;
import io.signalhub.indexing.core.job.BatchState;
import io.signalhub.indexing.core.job.Cursor;
import io.signalhub.indexing.core.job.FanOutPosition;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStore;
import io.signalhub.indexing.core.manifest.ManifestHeader;
import io.signalhub.indexing.core.manifest.ManifestIndex;
import io.signalhub.indexing.core.manifest.ManifestReader;
import io.signalhub.indexing.core.metrics.PipelineMetrics;
import io.signalhub.indexing.core.pipeline.FanOutService.Outcome;
import io.signalhub.indexing.core.provider.ModelProfile;
import io.signalhub.indexing.core.ratelimit.RateBudget;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.logging.Logger;
import java.util.stream.LongStream;

/**
 * The walk of one fan-out invocation along its track (the whole manifest, or one shard), once
 * {@link FanOutService} has taken the lease and checked the manifest: resends the last group's
 * batches a crashed invocation may not have sent, then streams the files from the track's cursor,
 * chunks them, packs the batches and writes them group by group, until the track ends or the
 * deadline is near.
 *
 * @param metrics told of each group registered ({@link PipelineMetrics#NONE}: nobody)
 */
record FanOutWalk(
    PipelineSettings settings,
    JobStore jobs,
    BlobStore blobs,
    BatchQueue queue,
    EmbeddingCache cache,
    ModelProfile model,
    Clock clock,
    PipelineMetrics metrics) {

  private static final Logger LOG = Logger.getLogger(FanOutWalk.class.getName());

  /**
   * Resends what the track's last invocation may not have sent, then walks on from its cursor.
   *
   * @param index where the manifest's files are: the walk reads from the checkpoint before its
   *     cursor
   */
  Outcome run(
      JobRecord job,
      ManifestHeader header,
      ManifestIndex index,
      FanOutTrack track,
      Instant deadline) {
    resendPendingBatches(job.jobId(), track.position());
    ExecutorService executor = ParallelCalls.daemonThreads(settings.fanoutThreads(), "fan-out-");
    try {
      return new Run(job, header, track, deadline, executor)
          .stream(job.spec().manifestKey(), index);
    } finally {
      executor.shutdownNow();
    }
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

    Outcome stream(String manifestKey, ManifestIndex index) {
      try {
        return streamFromCursor(manifestKey, index);
      } catch (GroupWriter.JobStopped stopped) {
        LOG.info(() -> "Job " + job.jobId() + " stopped while fanning out: " + stopped.status);
        return Outcome.STOPPED;
      }
    }

    private Outcome streamFromCursor(String manifestKey, ManifestIndex index) {
      Cursor start = track.position().cursor();
      ChunkStream.Reader reader =
          new ChunkStream.Reader(blobs, header.sourcesPrefix(), chunker, settings.secrets(), model);
      ManifestIndex.Seek seek = index.seek(start.file());
      var manifest = new ManifestReader(settings.manifestLimits());
      try (InputStream in = blobs.open(manifestKey, seek.offset(), Long.MAX_VALUE);
          ChunkStream files =
              new ChunkStream(
                  manifest.filesFrom(in, seek),
                  seek.file(),
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
        new FanOutCompletion(jobs, clock).finish(job.jobId());
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
