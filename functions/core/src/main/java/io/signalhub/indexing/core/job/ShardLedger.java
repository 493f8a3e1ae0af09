package io.signalhub.indexing.core.job;

import java.time.Instant;
import java.util.Optional;

/**
 * The bookkeeping of a sharded fan-out, kept with the job it belongs to: the job's {@link
 * ShardPlan}, and per shard what {@link JobStore} keeps for an unsharded fan-out (a lease, a {@link
 * FanOutPosition}). A shard's groups add to the job's counters in the same atomic write that moves
 * the shard's cursor, so totals add up exactly however shards interleave, crash and resume; the
 * job's fan-out becomes complete (its total final) in the same write that completes its last shard,
 * exactly once.
 */
public interface ShardLedger {

  /**
   * Records {@code proposed} as the job's plan, unless the job has one already or has registered
   * anything unsharded (an unsharded fan-out that made progress goes on unsharded).
   *
   * @return the job's plan: {@code proposed}, the one recorded before, or empty
   */
  Optional<ShardPlan> plan(String jobId, ShardPlan proposed, Instant now);

  /** The job's plan, if its fan-out is sharded. */
  Optional<ShardPlan> plan(String jobId);

  /**
   * Takes the shard's lease if nobody else holds an unexpired one and the shard is not complete; a
   * shard's first lease places it at {@link ShardPlan#start}. False: another invocation is (or was
   * just) fanning the shard out, or it is done.
   */
  boolean acquireLease(
      String jobId, ShardPlan plan, int shard, String owner, Instant now, Instant until);

  /** Lets go of the shard's lease, so its next invocation may take it. */
  void releaseLease(String jobId, int shard, String owner);

  /** Where the shard's fan-out stands (after its first lease). */
  FanOutPosition position(String jobId, int shard);

  /**
   * Registers one of the shard's groups: its batches, and its counts added to the job's, atomically
   * with the shard's cursor moving, and only if the shard's cursor is still at {@code group.from()}
   * and the job has not ended ({@link JobStore#registerGroup}, per shard).
   */
  boolean registerGroup(String jobId, int shard, GroupRegistration group, Instant now);

  /** Every batch of the shard before {@code nextSeq} was sent ({@link JobStore#confirmSent}). */
  void confirmSent(String jobId, int shard, long nextSeq);

  /**
   * The shard has registered its whole range. When it is the last of the plan's shards to say so,
   * the job's fan-out is complete in the same atomic write ({@link JobStore#completeFanout}).
   *
   * @return true for the one call that completed the job's fan-out; false for every other shard,
   *     and for a shard already complete
   */
  boolean complete(String jobId, int shard, Instant now);
}
