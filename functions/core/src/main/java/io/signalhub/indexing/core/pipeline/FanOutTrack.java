package io.signalhub.indexing.core.pipeline;

import io.signalhub.indexing.core.job.FanOutPosition;
import io.signalhub.indexing.core.job.GroupRegistration;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStore;
import io.signalhub.indexing.core.job.ShardPlan;
import java.time.Instant;

/**
 * The range of a job's manifest one fan-out invocation works through, and where it registers its
 * groups: the whole manifest against the job's own cursor, or one shard against the shard's.
 */
interface FanOutTrack {

  /** Where this track stands (its cursor, its next batch number, what a resume resends). */
  FanOutPosition position();

  /** The track's first batch number. */
  long firstSeq();

  /** The index after the track's last file. */
  long endFile();

  /** {@link JobStore#registerGroup}, against this track's cursor. */
  boolean registerGroup(GroupRegistration group, Instant now);

  /** {@link JobStore#confirmSent}, for this track's batches. */
  void confirmSent(long nextSeq);

  /**
   * This track has registered its whole range.
   *
   * @return true if the job's fan-out is now complete (its total final): always for the whole
   *     manifest, only for the last shard to finish otherwise
   */
  boolean complete(Instant now);

  /** The whole manifest, against the job's own cursor: how every manifest was fanned out. */
  static FanOutTrack whole(JobStore jobs, JobRecord job) {
    return new FanOutTrack() {
      @Override
      public FanOutPosition position() {
        return job.fanOut();
      }

      @Override
      public long firstSeq() {
        return FanOutPosition.START.nextSeq();
      }

      @Override
      public long endFile() {
        return job.counters().files();
      }

      @Override
      public boolean registerGroup(GroupRegistration group, Instant now) {
        return jobs.registerGroup(job.jobId(), group, now);
      }

      @Override
      public void confirmSent(long nextSeq) {
        jobs.confirmSent(job.jobId(), nextSeq);
      }

      @Override
      public boolean complete(Instant now) {
        jobs.completeFanout(job.jobId(), now);
        return true;
      }
    };
  }

  /** One shard of a sharded manifest, against the shard's cursor (its lease taken). */
  static FanOutTrack shard(JobStore jobs, String jobId, ShardPlan plan, int shard) {
    FanOutPosition start = jobs.shards().position(jobId, shard);
    return new FanOutTrack() {
      @Override
      public FanOutPosition position() {
        return start;
      }

      @Override
      public long firstSeq() {
        return plan.firstSeq(shard);
      }

      @Override
      public long endFile() {
        return plan.endFile(shard);
      }

      @Override
      public boolean registerGroup(GroupRegistration group, Instant now) {
        return jobs.shards().registerGroup(jobId, shard, group, now);
      }

      @Override
      public void confirmSent(long nextSeq) {
        jobs.shards().confirmSent(jobId, shard, nextSeq);
      }

      @Override
      public boolean complete(Instant now) {
        return jobs.shards().complete(jobId, shard, now);
      }
    };
  }
}
