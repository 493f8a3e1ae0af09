package io.signalhub.indexing.aws.dynamodb;

import static io.signalhub.indexing.aws.dynamodb.Condition.equalTo;
import static io.signalhub.indexing.aws.dynamodb.Condition.exists;
import static io.signalhub.indexing.aws.dynamodb.Condition.greaterThan;
import static io.signalhub.indexing.aws.dynamodb.Condition.in;
import static io.signalhub.indexing.aws.dynamodb.Items.bool;
import static io.signalhub.indexing.aws.dynamodb.Items.number;
import static io.signalhub.indexing.aws.dynamodb.Items.text;
import static io.signalhub.indexing.aws.dynamodb.Items.time;
import static io.signalhub.indexing.aws.dynamodb.JobItem.API_CALLS;
import static io.signalhub.indexing.aws.dynamodb.JobItem.BATCHES_PROCESSED;
import static io.signalhub.indexing.aws.dynamodb.JobItem.CACHED;
import static io.signalhub.indexing.aws.dynamodb.JobItem.COMPLETED;
import static io.signalhub.indexing.aws.dynamodb.JobItem.FAILED;
import static io.signalhub.indexing.aws.dynamodb.JobItem.FANOUT_COMPLETE;
import static io.signalhub.indexing.aws.dynamodb.JobItem.FINISHED_AT;
import static io.signalhub.indexing.aws.dynamodb.JobItem.GSI;
import static io.signalhub.indexing.aws.dynamodb.JobItem.GSI_PK;
import static io.signalhub.indexing.aws.dynamodb.JobItem.JOB;
import static io.signalhub.indexing.aws.dynamodb.JobItem.PENDING;
import static io.signalhub.indexing.aws.dynamodb.JobItem.PK;
import static io.signalhub.indexing.aws.dynamodb.JobItem.REASON;
import static io.signalhub.indexing.aws.dynamodb.JobItem.STATUS;
import static io.signalhub.indexing.aws.dynamodb.JobItem.TOKENS;
import static io.signalhub.indexing.aws.dynamodb.JobItem.UPDATED_AT;
import static io.signalhub.indexing.aws.dynamodb.JobItem.key;

import io.signalhub.indexing.core.job.ActivityMinute;
import io.signalhub.indexing.core.job.BatchResult;
import io.signalhub.indexing.core.job.BatchState;
import io.signalhub.indexing.core.job.Failure;
import io.signalhub.indexing.core.job.GroupRegistration;
import io.signalhub.indexing.core.job.JobDescription;
import io.signalhub.indexing.core.job.JobPage;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStatus;
import io.signalhub.indexing.core.job.JobStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * Jobs in one DynamoDB table ({@code pk} = job id, {@code sk} = item kind): the job item ({@link
 * JobItem}), one marker per batch ({@link BatchMarkers}), failure samples ({@link FailureSamples}),
 * throughput buckets and the per-minute activity history ({@link JobActivity}), all read and
 * written through the job's partition ({@link JobPartition}). The GSI {@code byCreated} lists jobs
 * newest first.
 *
 * <p>Exactly-once: a batch is counted by a transaction that moves its marker PENDING to DONE and
 * adds to the job's counters; a redelivered batch fails the marker's condition and changes nothing
 * (docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html).
 */
public final class DynamoJobStore implements JobStore {

  private final JobPartition partition;
  private final BatchMarkers markers;
  private final FailureSamples failures;
  private final JobActivity activity;
  private final FanOutWrites fanOut;
  private final DynamoShardLedger shards;

  public DynamoJobStore(DynamoDbClient dynamo, String table) {
    this(dynamo, table, ConflictRetry.standard());
  }

  /** With {@code conflicts} deciding how writes that lost a race to a transaction are retried. */
  public DynamoJobStore(DynamoDbClient dynamo, String table, ConflictRetry conflicts) {
    this.partition = new JobPartition(dynamo, table, conflicts);
    this.markers = new BatchMarkers(partition);
    this.failures = new FailureSamples(partition);
    this.activity = new JobActivity(partition);
    this.fanOut = new FanOutWrites(partition, markers, failures);
    this.shards = new DynamoShardLedger(partition, fanOut);
  }

  @Override
  public JobRecord createIfAbsent(JobRecord job) {
    return partition.putIfAbsent(JobItem.created(job)) ? job : get(job.jobId()).orElseThrow();
  }

  @Override
  public Optional<JobRecord> get(String jobId) {
    return partition.read(jobId, JOB).map(JobItem::toRecord);
  }

  @Override
  public JobPage list(int limit, String cursor) {
    QueryResponse response =
        partition
            .dynamo()
            .query(
                r -> {
                  r.tableName(partition.table())
                      .indexName(GSI)
                      .keyConditionExpression("#g = :job")
                      .expressionAttributeNames(Map.of("#g", GSI_PK))
                      .expressionAttributeValues(Map.of(":job", text(JOB)))
                      .scanIndexForward(false)
                      .limit(limit);
                  if (cursor != null) {
                    r.exclusiveStartKey(PageCursor.decode(cursor));
                  }
                });
    List<JobRecord> jobs = response.items().stream().map(JobItem::toRecord).toList();
    return new JobPage(
        jobs,
        response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
            ? PageCursor.encode(response.lastEvaluatedKey())
            : null);
  }

  @Override
  public boolean acquireFanoutLease(String jobId, String owner, Instant now, Instant until) {
    return fanOut.acquireLease(jobId, owner, now, until);
  }

  @Override
  public void releaseFanoutLease(String jobId, String owner) {
    fanOut.releaseLease(jobId, owner);
  }

  @Override
  public void describe(String jobId, JobDescription description, Instant now) {
    fanOut.describe(jobId, description, now);
  }

  @Override
  public boolean registerGroup(String jobId, GroupRegistration group, Instant now) {
    return fanOut.registerGroup(jobId, group, now);
  }

  @Override
  public void confirmSent(String jobId, long nextSeq) {
    fanOut.confirmSent(jobId, nextSeq);
  }

  @Override
  public void completeFanout(String jobId, Instant now) {
    fanOut.complete(jobId, now);
  }

  @Override
  public DynamoShardLedger shards() {
    return shards;
  }

  @Override
  public void fail(String jobId, String reason, Instant now) {
    end(jobId, JobStatus.FAILED, reason, now);
  }

  @Override
  public boolean cancel(String jobId, String reason, Instant now) {
    return end(jobId, JobStatus.CANCELLED, reason, now);
  }

  /** Ends an existing job that has not ended yet with {@code status}; false if nothing changed. */
  private boolean end(String jobId, JobStatus status, String reason, Instant now) {
    Update update =
        new Update()
            .set(STATUS, text(status.name()))
            .set(REASON, text(reason))
            .set(FINISHED_AT, time(now))
            .set(UPDATED_AT, time(now));
    update.condition(exists(PK).and(JobItem.NOT_TERMINAL));
    return partition.updateJobIf(jobId, update);
  }

  @Override
  public boolean delete(String jobId) {
    boolean existed = get(jobId).isPresent();
    partition.deleteAll(jobId);
    return existed;
  }

  @Override
  public BatchState batchState(String jobId, long seq) {
    return markers.state(jobId, seq);
  }

  @Override
  public List<Long> pendingBatches(String jobId) {
    return markers.pending(jobId);
  }

  @Override
  public int batchChunkCount(String jobId, long seq) {
    return markers.chunkCount(jobId, seq);
  }

  @Override
  public boolean recordBatch(String jobId, long seq, BatchResult result, Instant now) {
    List<TransactWriteItem> items = new ArrayList<>();
    items.add(markers.markDone(jobId, seq, result.failed(), now));
    items.add(
        new Update()
            .add(COMPLETED, result.completed())
            .add(FAILED, result.failed())
            .add(CACHED, result.cached())
            .add(PENDING, -(result.completed() + result.failed()))
            .add(BATCHES_PROCESSED, 1)
            .add(API_CALLS, result.apiCalls())
            .add(TOKENS, result.tokens())
            .set(UPDATED_AT, time(now))
            .inTransaction(partition.table(), key(jobId, JOB)));
    items.add(activity.countMinute(jobId, result.activity(ActivityMinute.minuteOf(now))));
    // in the transaction rather than a write of its own after it: one round trip a batch less
    items.add(activity.countThroughput(jobId, now, result.completed() + result.failed()));
    if (!result.failures().isEmpty()) {
      items.add(failures.ofBatch(jobId, seq, result.failures(), now));
    }
    return partition.transact(items);
  }

  @Override
  public List<ActivityMinute> history(String jobId, int limit) {
    return activity.history(jobId, limit);
  }

  @Override
  public Optional<JobStatus> tryFinish(String jobId, Instant now) {
    // one consistent read first: every batch but the last would otherwise pay two conditional
    // writes that fail (and their exceptions); the conditions below still decide
    if (get(jobId).filter(DynamoJobStore::mayFinish).isEmpty()) {
      return Optional.empty();
    }
    for (JobStatus status : List.of(JobStatus.COMPLETED, JobStatus.COMPLETED_WITH_FAILURES)) {
      Update update =
          new Update()
              .set(STATUS, text(status.name()))
              .set(FINISHED_AT, time(now))
              .set(UPDATED_AT, time(now));
      update.condition(
          equalTo(FANOUT_COMPLETE, bool(true))
              .and(equalTo(PENDING, number(0)))
              .and(in(STATUS, text(JobStatus.FANNING_OUT.name()), text(JobStatus.EMBEDDING.name())))
              .and(
                  status == JobStatus.COMPLETED
                      ? equalTo(FAILED, number(0))
                      : greaterThan(FAILED, number(0))));
      if (partition.updateJobIf(jobId, update)) {
        return Optional.of(status);
      }
    }
    return Optional.empty();
  }

  private static boolean mayFinish(JobRecord job) {
    return job.fanOut().complete()
        && job.counters().pending() == 0
        && (job.status() == JobStatus.FANNING_OUT || job.status() == JobStatus.EMBEDDING);
  }

  @Override
  public List<ThroughputSample> throughputSince(String jobId, Instant since) {
    return activity.throughputSince(jobId, since);
  }

  @Override
  public List<Failure> failureSample(String jobId, int limit) {
    return failures.sample(jobId, limit);
  }
}
