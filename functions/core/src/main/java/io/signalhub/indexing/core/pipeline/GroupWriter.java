package io.signalhub.indexing.core.pipeline;

import io.signalhub.indexing.core.ParallelCalls;
import io.signalhub.indexing.core.batch.Batch;
import io.signalhub.indexing.core.job.Cursor;
import io.signalhub.indexing.core.job.GroupRegistration;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStatus;
import io.signalhub.indexing.core.job.JobStore;
import io.signalhub.indexing.core.job.RegisteredBatch;
import io.signalhub.indexing.core.metrics.PipelineMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Writes one group of a job: its batch payloads and cached vectors to the bucket (in parallel),
 * then registers the group with the cursor in one atomic write, then sends its messages. Payloads
 * are written before the registration, so a registered batch always has its payload; messages are
 * sent after it, so a crash in between leaves pending batches a resumed fan-out resends.
 */
final class GroupWriter {

  /** The job reached a terminal state (cancelled, failed) while the fan-out ran. */
  static final class JobStopped extends RuntimeException {
    final JobStatus status;

    JobStopped(JobStatus status) {
      super(null, null, false, false);
      this.status = status;
    }
  }

  private final String jobId;
  private final JobStore jobs;
  private final FanOutTrack track;
  private final BlobStore blobs;
  private final BatchQueue queue;
  private final Clock clock;
  private final PipelineMetrics metrics;
  private final Executor executor;

  GroupWriter(
      String jobId,
      JobStore jobs,
      FanOutTrack track,
      BlobStore blobs,
      BatchQueue queue,
      Clock clock,
      PipelineMetrics metrics,
      Executor executor) {
    this.jobId = jobId;
    this.jobs = jobs;
    this.track = track;
    this.blobs = blobs;
    this.queue = queue;
    this.clock = clock;
    this.metrics = metrics;
    this.executor = executor;
  }

  /**
   * Writes, registers and sends the group between {@code from} and {@code to}.
   *
   * @return the messages sent (the group's batches)
   * @throws JobStopped if the job ended meanwhile
   * @throws IllegalStateException if the cursor moved away from {@code from}
   */
  int write(Cursor from, Cursor to, List<Batch<ChunkStream.Piece>> batches, GroupTally tally) {
    List<CompletableFuture<Void>> writes = new ArrayList<>();
    if (!tally.cachedVectors.isEmpty()) {
      // keyed by the group's start: a resumed fan-out rewrites the same object, never a second one
      byte[] lines =
          (String.join("\n", tally.cachedVectors) + "\n").getBytes(StandardCharsets.UTF_8);
      writes.add(put(Keys.cachedVectors(jobId, from), () -> lines));
    }
    List<RegisteredBatch> registered = new ArrayList<>(batches.size());
    List<BatchMessage> messages = new ArrayList<>(batches.size());
    for (Batch<ChunkStream.Piece> batch : batches) {
      List<BatchPayload.Item> items =
          batch.items().stream().map(p -> new BatchPayload.Item(p.chunk(), p.twinOf())).toList();
      String payloadKey = Keys.batchPayload(jobId, batch.sequence());
      writes.add(put(payloadKey, () -> BatchPayload.write(items)));
      registered.add(new RegisteredBatch(batch.sequence(), items.size()));
      messages.add(new BatchMessage(jobId, batch.sequence(), items.size(), payloadKey));
    }
    awaitAll(writes);
    GroupRegistration registration =
        new GroupRegistration(
            from,
            to,
            registered,
            tally.cached,
            tally.filesRead,
            Map.copyOf(tally.skipped),
            List.copyOf(tally.failures));
    if (!track.registerGroup(registration, clock.instant())) {
      JobStatus now = jobs.get(jobId).map(JobRecord::status).orElse(JobStatus.CANCELLED);
      if (now.terminal()) {
        throw new JobStopped(now);
      }
      throw new IllegalStateException(
          "Job "
              + jobId
              + ": the cursor moved away from "
              + from
              + " while this fan-out held the lease");
    }
    if (!messages.isEmpty()) {
      queue.send(messages);
    }
    metrics.groupRegistered(jobId, registered.size(), registration.batchedChunks(), tally.cached);
    return messages.size();
  }

  private CompletableFuture<Void> put(String key, java.util.function.Supplier<byte[]> bytes) {
    return CompletableFuture.runAsync(() -> blobs.put(key, bytes.get()), executor);
  }

  /** Waits for every write; the first failure is rethrown as it was thrown. */
  private static void awaitAll(List<CompletableFuture<Void>> writes) {
    ParallelCalls.join(CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)));
  }
}
