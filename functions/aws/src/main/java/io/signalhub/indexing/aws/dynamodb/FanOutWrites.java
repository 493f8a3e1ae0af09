package io.signalhub.indexing.aws.dynamodb;

import static io.signalhub.indexing.aws.dynamodb.Condition.anyOf;
import static io.signalhub.indexing.aws.dynamodb.Condition.atMost;
import static io.signalhub.indexing.aws.dynamodb.Condition.equalTo;
import static io.signalhub.indexing.aws.dynamodb.Condition.in;
import static io.signalhub.indexing.aws.dynamodb.Condition.lessThan;
import static io.signalhub.indexing.aws.dynamodb.Condition.notExists;
import static io.signalhub.indexing.aws.dynamodb.Items.bool;
import static io.signalhub.indexing.aws.dynamodb.Items.number;
import static io.signalhub.indexing.aws.dynamodb.Items.text;
import static io.signalhub.indexing.aws.dynamodb.Items.time;
import static io.signalhub.indexing.aws.dynamodb.JobItem.BATCHES_REGISTERED;
import static io.signalhub.indexing.aws.dynamodb.JobItem.BATCH_SIZE;
import static io.signalhub.indexing.aws.dynamodb.JobItem.CACHED;
import static io.signalhub.indexing.aws.dynamodb.JobItem.CHUNK_TOKENS;
import static io.signalhub.indexing.aws.dynamodb.JobItem.COMPLETED;
import static io.signalhub.indexing.aws.dynamodb.JobItem.CONCURRENCY;
import static io.signalhub.indexing.aws.dynamodb.JobItem.CURSOR;
import static io.signalhub.indexing.aws.dynamodb.JobItem.FANOUT_COMPLETE;
import static io.signalhub.indexing.aws.dynamodb.JobItem.FILES;
import static io.signalhub.indexing.aws.dynamodb.JobItem.FILES_READ;
import static io.signalhub.indexing.aws.dynamodb.JobItem.JOB;
import static io.signalhub.indexing.aws.dynamodb.JobItem.LAST_GROUP_FIRST_SEQ;
import static io.signalhub.indexing.aws.dynamodb.JobItem.LEASE_OWNER;
import static io.signalhub.indexing.aws.dynamodb.JobItem.LEASE_UNTIL;
import static io.signalhub.indexing.aws.dynamodb.JobItem.NEXT_SEQ;
import static io.signalhub.indexing.aws.dynamodb.JobItem.NOT_TERMINAL;
import static io.signalhub.indexing.aws.dynamodb.JobItem.OVERLAP_LINES;
import static io.signalhub.indexing.aws.dynamodb.JobItem.PENDING;
import static io.signalhub.indexing.aws.dynamodb.JobItem.REPOSITORY;
import static io.signalhub.indexing.aws.dynamodb.JobItem.REVISION;
import static io.signalhub.indexing.aws.dynamodb.JobItem.STATUS;
import static io.signalhub.indexing.aws.dynamodb.JobItem.TOTAL;
import static io.signalhub.indexing.aws.dynamodb.JobItem.UPDATED_AT;
import static io.signalhub.indexing.aws.dynamodb.JobItem.key;

import io.signalhub.indexing.core.job.GroupRegistration;
import io.signalhub.indexing.core.job.JobDescription;
import io.signalhub.indexing.core.job.JobStatus;
import io.signalhub.indexing.core.job.RegisteredBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * The fan-out's writes to a job: the lease that lets one fan-out run at a time, the job's
 * description, each group's registration (batch markers and counters in one transaction, guarded by
 * the cursor), the confirmation that a group's messages were sent, and the end of the fan-out.
 */
record FanOutWrites(JobPartition partition, BatchMarkers markers, FailureSamples failures) {

  /** Statuses in which a fan-out runs or may start. */
  private static final Condition MAY_FAN_OUT =
      in(STATUS, text(JobStatus.PENDING.name()), text(JobStatus.FANNING_OUT.name()));

  boolean acquireLease(String jobId, String owner, Instant now, Instant until) {
    Update update =
        new Update()
            .set(LEASE_OWNER, text(owner))
            .set(LEASE_UNTIL, number(until.toEpochMilli()))
            .set(STATUS, text(JobStatus.FANNING_OUT.name()))
            .set(UPDATED_AT, time(now));
    update.condition(
        equalTo(FANOUT_COMPLETE, bool(false)).and(MAY_FAN_OUT).and(leaseFree(owner, now)));
    return partition.updateJobIf(jobId, update);
  }

  /** Nobody but {@code owner} holds an unexpired lease on the item. */
  static Condition leaseFree(String owner, Instant now) {
    return anyOf(
        notExists(LEASE_UNTIL),
        atMost(LEASE_UNTIL, number(now.toEpochMilli())),
        equalTo(LEASE_OWNER, text(owner)));
  }

  void releaseLease(String jobId, String owner) {
    Update update = new Update().remove(LEASE_OWNER).remove(LEASE_UNTIL);
    update.condition(equalTo(LEASE_OWNER, text(owner)));
    partition.updateJobIf(jobId, update);
  }

  void describe(String jobId, JobDescription d, Instant now) {
    partition.updateJob(
        jobId,
        new Update()
            .set(REPOSITORY, text(d.repository()))
            .set(REVISION, text(d.revision()))
            .set(FILES, number(d.files()))
            .set(CHUNK_TOKENS, number(d.chunkTokens()))
            .set(OVERLAP_LINES, number(d.overlapLines()))
            .set(BATCH_SIZE, number(d.batchSize()))
            .set(CONCURRENCY, number(d.concurrency()))
            .set(UPDATED_AT, time(now)));
  }

  boolean registerGroup(String jobId, GroupRegistration group, Instant now) {
    Update job = moveCursor(counts(group, now), group);
    job.condition(equalTo(CURSOR, text(group.from().toString())).and(NOT_TERMINAL));
    return partition.transact(groupWrites(jobId, group, job, now));
  }

  /**
   * The writes of one group: its batch markers, the update of the job item ({@code job}), its file
   * failures; the caller adds any other write of the same transaction.
   */
  List<TransactWriteItem> groupWrites(
      String jobId, GroupRegistration group, Update job, Instant now) {
    List<TransactWriteItem> items = new ArrayList<>();
    for (RegisteredBatch batch : group.batches()) {
      items.add(markers.register(jobId, batch));
    }
    items.add(job.inTransaction(partition.table(), key(jobId, JOB)));
    if (!group.fileFailures().isEmpty()) {
      items.add(failures.ofGroup(jobId, group.from(), group.fileFailures(), now));
    }
    return items;
  }

  /** Adds a group's counts to the job's. */
  static Update counts(GroupRegistration group, Instant now) {
    long batched = group.batchedChunks();
    Update job =
        new Update()
            .add(TOTAL, batched + group.cachedChunks())
            .add(PENDING, batched)
            .add(COMPLETED, group.cachedChunks())
            .add(CACHED, group.cachedChunks())
            .add(BATCHES_REGISTERED, group.batches().size())
            .add(FILES_READ, group.filesRead())
            .set(UPDATED_AT, time(now));
    group.skippedFiles().forEach((reason, count) -> job.add(JobItem.skipped(reason), count));
    return job;
  }

  /** Moves an item's fan-out position (the job's, or a shard's) past a group. */
  static Update moveCursor(Update position, GroupRegistration group) {
    position.set(CURSOR, text(group.to().toString()));
    if (group.batches().isEmpty()) {
      position.setFrom(LAST_GROUP_FIRST_SEQ, NEXT_SEQ); // nothing of this group to resend
    } else {
      position.set(NEXT_SEQ, number(group.nextSeq(0)));
      position.set(LAST_GROUP_FIRST_SEQ, number(group.batches().get(0).seq()));
    }
    return position;
  }

  void confirmSent(String jobId, long nextSeq) {
    confirmSent(jobId, JOB, nextSeq);
  }

  /** Raises the {@code lastGroupFirstSeq} of the job's item {@code sk} (its own, or a shard's). */
  void confirmSent(String jobId, String sk, long nextSeq) {
    Update update = new Update().set(LAST_GROUP_FIRST_SEQ, number(nextSeq));
    update.condition(lessThan(LAST_GROUP_FIRST_SEQ, number(nextSeq)));
    partition.updateIf(jobId, sk, update); // false: a later confirmation came first
  }

  void complete(String jobId, Instant now) {
    Update toEmbedding =
        new Update()
            .set(FANOUT_COMPLETE, bool(true))
            .set(STATUS, text(JobStatus.EMBEDDING.name()))
            .set(UPDATED_AT, time(now));
    toEmbedding.condition(equalTo(STATUS, text(JobStatus.FANNING_OUT.name())));
    if (!partition.updateJobIf(jobId, toEmbedding)) {
      partition.updateJob(
          jobId, new Update().set(FANOUT_COMPLETE, bool(true)).set(UPDATED_AT, time(now)));
    }
  }
}
