package io.signalhub.indexing.core.job;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Jobs, their batch markers and counters. Every counting method is exactly-once: a batch is
 * accounted only if its marker moves from PENDING to DONE in the same atomic write as the counters,
 * so redeliveries, retries and duplicate events never count twice.
 */
public interface JobStore {

  /** Stores the job unless one with its id exists; returns the stored one either way. */
  JobRecord createIfAbsent(JobRecord job);

  Optional<JobRecord> get(String jobId);

  /** Jobs newest first. */
  JobPage list(int limit, String cursor);

  /**
   * Takes the job's fan-out lease if nobody holds an unexpired one and the fan-out is not done;
   * moves the job to FANNING_OUT. False means another invocation is (or was just) fanning out.
   */
  boolean acquireFanoutLease(String jobId, String owner, Instant now, Instant until);

  /** Lets go of the lease (continuation or finish), so the next invocation may take it. */
  void releaseFanoutLease(String jobId, String owner);

  /**
   * Records what the validated manifest holds and the job's settings.
   *
   * @param concurrency most batches of this job embedded at once per embedder process (0: the
   *     deployment's {@code signal-hub.concurrency})
   */
  void describe(
      String jobId,
      String repository,
      String revision,
      long files,
      int chunkTokens,
      int overlapLines,
      int batchSize,
      int concurrency,
      Instant now);

  /**
   * Registers a group of batches, its cached chunks and skipped files, and moves the cursor,
   * atomically and only if the cursor is still at {@code group.from()}.
   *
   * @return false if the cursor had moved (another fan-out registered this range)
   */
  boolean registerGroup(String jobId, GroupRegistration group, Instant now);

  /**
   * Every batch before {@code nextSeq} has been sent: a later invocation need not resend any.
   * (Without this mark, the batches of the last registered group are resent, as after a crash.)
   */
  void confirmSent(String jobId, long nextSeq);

  /** The fan-out has registered everything; the total is final. */
  void completeFanout(String jobId, Instant now);

  /** The job cannot go on; nothing more will be enqueued. */
  void fail(String jobId, String reason, Instant now);

  BatchState batchState(String jobId, long seq);

  /** Batches registered and not yet accounted, in order (to resend after lost messages). */
  List<Long> pendingBatches(String jobId);

  /** Chunks the batch was registered with, or -1 if it is unknown. */
  int batchSize(String jobId, long seq);

  /**
   * Accounts a batch once: marker PENDING to DONE and counters in one atomic write.
   *
   * @return false if the batch was already accounted (nothing changed)
   */
  boolean recordBatch(String jobId, long seq, BatchResult result, Instant now);

  /**
   * Moves the job to COMPLETED or COMPLETED_WITH_FAILURES if the fan-out is complete and nothing is
   * pending; exactly one caller sees the transition.
   */
  Optional<JobStatus> tryFinish(String jobId, Instant now);

  /** Adds finished chunks to a throughput sample (best effort; for rate and ETA). */
  void recordThroughput(String jobId, Instant at, long chunks);

  /** Throughput samples since {@code since}: (bucket start, chunks finished in it). */
  List<ThroughputSample> throughputSince(String jobId, Instant since);

  /** A few failures of the job, oldest first. */
  List<Failure> failureSample(String jobId, int limit);

  /** Chunks finished in one time bucket. */
  record ThroughputSample(Instant bucketStart, long chunks) {}

  /** Length of a throughput bucket. */
  long THROUGHPUT_BUCKET_SECONDS = 10;
}
