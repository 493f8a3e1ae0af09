package io.signalhub.indexing.aws.dynamodb;

import static io.signalhub.indexing.aws.dynamodb.Condition.anyOf;
import static io.signalhub.indexing.aws.dynamodb.Condition.equalTo;
import static io.signalhub.indexing.aws.dynamodb.Condition.exists;
import static io.signalhub.indexing.aws.dynamodb.Condition.notExists;
import static io.signalhub.indexing.aws.dynamodb.Items.bool;
import static io.signalhub.indexing.aws.dynamodb.Items.number;
import static io.signalhub.indexing.aws.dynamodb.Items.text;
import static io.signalhub.indexing.aws.dynamodb.Items.time;
import static io.signalhub.indexing.aws.dynamodb.JobItem.CURSOR;
import static io.signalhub.indexing.aws.dynamodb.JobItem.FANOUT_COMPLETE;
import static io.signalhub.indexing.aws.dynamodb.JobItem.FILES;
import static io.signalhub.indexing.aws.dynamodb.JobItem.JOB;
import static io.signalhub.indexing.aws.dynamodb.JobItem.LAST_GROUP_FIRST_SEQ;
import static io.signalhub.indexing.aws.dynamodb.JobItem.LEASE_OWNER;
import static io.signalhub.indexing.aws.dynamodb.JobItem.LEASE_UNTIL;
import static io.signalhub.indexing.aws.dynamodb.JobItem.NEXT_SEQ;
import static io.signalhub.indexing.aws.dynamodb.JobItem.NOT_TERMINAL;
import static io.signalhub.indexing.aws.dynamodb.JobItem.PK;
import static io.signalhub.indexing.aws.dynamodb.JobItem.SHARDS;
import static io.signalhub.indexing.aws.dynamodb.JobItem.SHARDS_DONE;
import static io.signalhub.indexing.aws.dynamodb.JobItem.UPDATED_AT;
import static io.signalhub.indexing.aws.dynamodb.JobItem.key;

import io.signalhub.indexing.core.job.Cursor;
import io.signalhub.indexing.core.job.FanOutPosition;
import io.signalhub.indexing.core.job.GroupRegistration;
import io.signalhub.indexing.core.job.ShardLedger;
import io.signalhub.indexing.core.job.ShardPlan;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Sharded fan-outs in the jobs table: the plan ({@code shards}, {@code shardsDone}) on the job
 * item, and one item per shard ({@code sk} = {@code shard#<n>}) holding its lease and position with
 * the job item's attribute names. A shard's group is one transaction: its batch markers, its counts
 * added to the job item, its cursor moved on the shard item (conditioned on where it stood). The
 * last shard's completion sets the job's {@code fanoutComplete} in the transaction that counts it,
 * conditioned on {@code shardsDone} being what was read, so exactly one shard's write does it.
 */
final class DynamoShardLedger implements ShardLedger {

  private static final String PREFIX = "shard#";

  private final JobPartition partition;
  private final FanOutWrites fanOut;

  DynamoShardLedger(JobPartition partition, FanOutWrites fanOut) {
    this.partition = partition;
    this.fanOut = fanOut;
  }

  private static String shardKey(int shard) {
    return String.format(PREFIX + "%04d", shard);
  }

  @Override
  public Optional<ShardPlan> plan(String jobId, ShardPlan proposed, Instant now) {
    Update update =
        new Update()
            .set(SHARDS, number(proposed.shards()))
            .set(SHARDS_DONE, number(0))
            .set(UPDATED_AT, time(now));
    update.condition(
        notExists(SHARDS).and(equalTo(CURSOR, text(Cursor.START.toString()))).and(NOT_TERMINAL));
    partition.updateJobIf(jobId, update); // false: planned before, or progress unsharded
    return plan(jobId);
  }

  @Override
  public Optional<ShardPlan> plan(String jobId) {
    return partition
        .read(jobId, JOB)
        .filter(job -> Items.number(job, SHARDS) > 0)
        .map(job -> new ShardPlan(Items.number(job, FILES), (int) Items.number(job, SHARDS)));
  }

  @Override
  public boolean acquireLease(
      String jobId, ShardPlan plan, int shard, String owner, Instant now, Instant until) {
    FanOutPosition start = plan.start(shard);
    Update update =
        new Update()
            .setIfAbsent(CURSOR, text(start.cursor().toString()))
            .setIfAbsent(NEXT_SEQ, number(start.nextSeq()))
            .setIfAbsent(LAST_GROUP_FIRST_SEQ, number(start.lastGroupFirstSeq()))
            .setIfAbsent(FANOUT_COMPLETE, bool(false))
            .set(LEASE_OWNER, text(owner))
            .set(LEASE_UNTIL, number(until.toEpochMilli()));
    update.condition(
        anyOf(notExists(FANOUT_COMPLETE), equalTo(FANOUT_COMPLETE, bool(false)))
            .and(FanOutWrites.leaseFree(owner, now)));
    return partition.updateIf(jobId, shardKey(shard), update);
  }

  @Override
  public void releaseLease(String jobId, int shard, String owner) {
    Update update = new Update().remove(LEASE_OWNER).remove(LEASE_UNTIL);
    update.condition(equalTo(LEASE_OWNER, text(owner)));
    partition.updateIf(jobId, shardKey(shard), update);
  }

  @Override
  public FanOutPosition position(String jobId, int shard) {
    Map<String, AttributeValue> item =
        partition
            .read(jobId, shardKey(shard))
            .orElseThrow(
                () ->
                    new IllegalStateException("Job " + jobId + " has no shard " + shard + " yet"));
    return new FanOutPosition(
        Items.bool(item, FANOUT_COMPLETE),
        Cursor.parse(Items.text(item, CURSOR, "0:0")),
        Items.number(item, NEXT_SEQ),
        Items.number(item, LAST_GROUP_FIRST_SEQ));
  }

  @Override
  public boolean registerGroup(String jobId, int shard, GroupRegistration group, Instant now) {
    Update job = FanOutWrites.counts(group, now);
    job.condition(exists(PK).and(NOT_TERMINAL));
    List<TransactWriteItem> items = fanOut.groupWrites(jobId, group, job, now);
    Update position = FanOutWrites.moveCursor(new Update(), group);
    position.condition(equalTo(CURSOR, text(group.from().toString())));
    items.add(position.inTransaction(partition.table(), key(jobId, shardKey(shard))));
    return partition.transact(items);
  }

  @Override
  public void confirmSent(String jobId, int shard, long nextSeq) {
    fanOut.confirmSent(jobId, shardKey(shard), nextSeq);
  }

  @Override
  public boolean complete(String jobId, int shard, Instant now) {
    while (true) {
      Map<String, AttributeValue> job = partition.read(jobId, JOB).orElseThrow();
      long done = Items.number(job, SHARDS_DONE);
      boolean last = done + 1 == Items.number(job, SHARDS);
      Update completed = new Update().set(FANOUT_COMPLETE, bool(true));
      completed.condition(equalTo(FANOUT_COMPLETE, bool(false)));
      Update counted = new Update().add(SHARDS_DONE, 1).set(UPDATED_AT, time(now));
      if (last) {
        counted.set(FANOUT_COMPLETE, bool(true)); // the total is final in this very write
      }
      counted.condition(equalTo(SHARDS_DONE, number(done)));
      if (partition.transact(
          List.of(
              completed.inTransaction(partition.table(), key(jobId, shardKey(shard))),
              counted.inTransaction(partition.table(), key(jobId, JOB))))) {
        if (last) {
          fanOut.complete(jobId, now); // FANNING_OUT -> EMBEDDING, once
        }
        return last;
      }
      if (position(jobId, shard).complete()) {
        return false; // completed before: a redelivery
      }
      // another shard completed in between: count again from what it left
    }
  }
}
