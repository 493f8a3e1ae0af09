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
   * Takes the job's fan-out lease if nobody else holds an unexpired one (a lease expires at its
   * {@code until}) and the fan-out is not done; moves the job to FANNING_OUT. The holder may renew
   * it. False means another invocation is (or was just) fanning out.
   */
  boolean acquireFanoutLease(String jobId, String owner, Instant now, Instant until);

  /** Lets go of the lease (continuation or finish), so the next invocation may take it. */
  void releaseFanoutLease(String jobId, String owner);

  /** Records what the validated manifest holds and the job's settings. */
  void describe(String jobId, JobDescription description, Instant now);

  /**
   * Registers a group of batches, its cached chunks and skipped files, and moves the cursor,
   * atomically and only if the cursor is still at {@code group.from()}. Registering a group means
   * the previous ones were sent: {@code lastGroupFirstSeq} moves to this group's first batch (to
   * {@code nextSeq} for a group without batches).
   *
   * @return false if the cursor had moved (another fan-out registered this range)
   */
  boolean registerGroup(String jobId, GroupRegistration group, Instant now);

  /**
   * Every batch before {@code nextSeq} has been sent: a later invocation need not resend any.
   * (Without this mark, the batches of the last registered group are resent, as after a crash.)
   * Raises {@code lastGroupFirstSeq} to {@code nextSeq}; a late, lower confirmation changes
   * nothing.
   */
  void confirmSent(String jobId, long nextSeq);

  /** The fan-out has registered everything; the total is final. */
  void completeFanout(String jobId, Instant now);

  /**
   * The per-shard leases and cursors of sharded fan-outs (a manifest above {@code
   * signal-hub.fanout.shard-files} files), kept with the jobs they count into.
   */
  ShardLedger shards();

  /** The job cannot go on; nothing more will be enqueued. */
  void fail(String jobId, String reason, Instant now);

  /**
   * Stops a job on request: CANCELLED with the reason, unless it already ended. The fan-out
   * registers nothing more and the embedders drop its batches without calling the provider.
   *
   * @return true if this call cancelled it
   */
  boolean cancel(String jobId, String reason, Instant now);

  /**
   * Removes the job and everything the store keeps for it (batch markers, failures, throughput).
   * The bucket's objects are the caller's to delete.
   *
   * @return false if there was no such job
   */
  boolean delete(String jobId);

  BatchState batchState(String jobId, long seq);

  /** Batches registered and not yet accounted, in order (to resend after lost messages). */
  List<Long> pendingBatches(String jobId);

  /** Chunks the batch was registered with, or -1 if it is unknown. */
  int batchChunkCount(String jobId, long seq);

  /**
   * Accounts a batch once: marker PENDING to DONE, the job's counters, the minute of its activity
   * history ({@link BatchResult#activity}) and its finished chunks (completed and failed) in the
   * throughput bucket of {@code now} ({@link #throughputSince}), in one atomic write.
   *
   * @return false if the batch was already accounted (nothing changed)
   */
  boolean recordBatch(String jobId, long seq, BatchResult result, Instant now);

  /**
   * Moves the job to COMPLETED or COMPLETED_WITH_FAILURES if the fan-out is complete and nothing is
   * pending; exactly one caller sees the transition.
   */
  Optional<JobStatus> tryFinish(String jobId, Instant now);

  /**
   * Throughput samples from the bucket holding {@code since} on, oldest first: (bucket start,
   * chunks finished in it).
   */
  List<ThroughputSample> throughputSince(String jobId, Instant since);

  /**
   * The job's most recent minutes of activity, oldest first: at most {@code limit} minutes (only
   * minutes with activity are stored; the caller fills the gaps).
   */
  List<ActivityMinute> history(String jobId, int limit);

  /**
   * Up to {@code limit} failures of the job, oldest first (by the {@code now} they were recorded
   * with; writes recorded at the same instant in no set order): those of {@link #registerGroup}
   * (files) and {@link #recordBatch} (chunks) alike, at most {@link #FAILURES_KEPT_PER_WRITE} from
   * each.
   */
  List<Failure> failureSample(String jobId, int limit);

  /**
   * Failures kept from one group or batch: a sample for people, not a log, and DynamoDB stores a
   * batch's failures in one item of at most 400 KB
   * (docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html).
   */
  int FAILURES_KEPT_PER_WRITE = 25;

  /** Chunks finished in one time bucket. */
  record ThroughputSample(Instant bucketStart, long chunks) {

    /**
     * The start of the {@link JobStore#THROUGHPUT_BUCKET_SECONDS} bucket holding {@code at},
     * floored (also before 1970), the one rule every store buckets by.
     */
    public static Instant bucketOf(Instant at) {
      return Instant.ofEpochSecond(
          Math.floorDiv(at.getEpochSecond(), THROUGHPUT_BUCKET_SECONDS)
              * THROUGHPUT_BUCKET_SECONDS);
    }
  }

  /**
   * The most minutes of history a store keeps per job (and a reader asks for): six hours, enough
   * for the chart of any job a person watches, small enough to read on every refresh.
   */
  int HISTORY_MINUTES = 360;

  /** Length of a throughput bucket. */
  long THROUGHPUT_BUCKET_SECONDS = 10;
}
