package io.signalhub.indexing.aws.dynamodb;

import static io.signalhub.indexing.aws.dynamodb.Condition.anyOf;
import static io.signalhub.indexing.aws.dynamodb.Condition.atMost;
import static io.signalhub.indexing.aws.dynamodb.Condition.equalTo;
import static io.signalhub.indexing.aws.dynamodb.Condition.exists;
import static io.signalhub.indexing.aws.dynamodb.Condition.greaterThan;
import static io.signalhub.indexing.aws.dynamodb.Condition.in;
import static io.signalhub.indexing.aws.dynamodb.Condition.lessThan;
import static io.signalhub.indexing.aws.dynamodb.Condition.not;
import static io.signalhub.indexing.aws.dynamodb.Condition.notExists;
import static io.signalhub.indexing.aws.dynamodb.Items.bool;
import static io.signalhub.indexing.aws.dynamodb.Items.number;
import static io.signalhub.indexing.aws.dynamodb.Items.text;
import static io.signalhub.indexing.aws.dynamodb.Items.time;
import static io.signalhub.indexing.aws.dynamodb.JobItem.API_CALLS;
import static io.signalhub.indexing.aws.dynamodb.JobItem.BATCHES_PROCESSED;
import static io.signalhub.indexing.aws.dynamodb.JobItem.BATCHES_REGISTERED;
import static io.signalhub.indexing.aws.dynamodb.JobItem.BATCH_SIZE;
import static io.signalhub.indexing.aws.dynamodb.JobItem.CACHED;
import static io.signalhub.indexing.aws.dynamodb.JobItem.CHUNK_TOKENS;
import static io.signalhub.indexing.aws.dynamodb.JobItem.COMPLETED;
import static io.signalhub.indexing.aws.dynamodb.JobItem.CONCURRENCY;
import static io.signalhub.indexing.aws.dynamodb.JobItem.CURSOR;
import static io.signalhub.indexing.aws.dynamodb.JobItem.FAILED;
import static io.signalhub.indexing.aws.dynamodb.JobItem.FANOUT_COMPLETE;
import static io.signalhub.indexing.aws.dynamodb.JobItem.FILES;
import static io.signalhub.indexing.aws.dynamodb.JobItem.FILES_READ;
import static io.signalhub.indexing.aws.dynamodb.JobItem.FINISHED_AT;
import static io.signalhub.indexing.aws.dynamodb.JobItem.GSI;
import static io.signalhub.indexing.aws.dynamodb.JobItem.GSI_PK;
import static io.signalhub.indexing.aws.dynamodb.JobItem.JOB;
import static io.signalhub.indexing.aws.dynamodb.JobItem.LAST_GROUP_FIRST_SEQ;
import static io.signalhub.indexing.aws.dynamodb.JobItem.LEASE_OWNER;
import static io.signalhub.indexing.aws.dynamodb.JobItem.LEASE_UNTIL;
import static io.signalhub.indexing.aws.dynamodb.JobItem.NEXT_SEQ;
import static io.signalhub.indexing.aws.dynamodb.JobItem.OVERLAP_LINES;
import static io.signalhub.indexing.aws.dynamodb.JobItem.PENDING;
import static io.signalhub.indexing.aws.dynamodb.JobItem.PK;
import static io.signalhub.indexing.aws.dynamodb.JobItem.REASON;
import static io.signalhub.indexing.aws.dynamodb.JobItem.REPOSITORY;
import static io.signalhub.indexing.aws.dynamodb.JobItem.REVISION;
import static io.signalhub.indexing.aws.dynamodb.JobItem.SK;
import static io.signalhub.indexing.aws.dynamodb.JobItem.STATUS;
import static io.signalhub.indexing.aws.dynamodb.JobItem.TOKENS;
import static io.signalhub.indexing.aws.dynamodb.JobItem.TOTAL;
import static io.signalhub.indexing.aws.dynamodb.JobItem.UPDATED_AT;
import static io.signalhub.indexing.aws.dynamodb.JobItem.key;

import io.signalhub.indexing.core.job.ActivityMinute;
import io.signalhub.indexing.core.job.BatchResult;
import io.signalhub.indexing.core.job.BatchState;
import io.signalhub.indexing.core.job.Failure;
import io.signalhub.indexing.core.job.GroupRegistration;
import io.signalhub.indexing.core.job.JobPage;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobStatus;
import io.signalhub.indexing.core.job.JobStore;
import io.signalhub.indexing.core.job.RegisteredBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Jobs in one DynamoDB table ({@code pk} = job id, {@code sk} = item kind): the job item ({@link
 * JobItem}), one marker per batch ({@link BatchMarkers}), failure samples ({@link FailureSamples}),
 * throughput buckets and the per-minute activity history ({@link JobActivity}). The GSI {@code
 * byCreated} lists jobs newest first.
 *
 * <p>Exactly-once: a batch is counted by a transaction that moves its marker PENDING to DONE and
 * adds to the job's counters; a redelivered batch fails the marker's condition and changes nothing
 * (docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html).
 */
public final class DynamoJobStore implements JobStore {

  /** Statuses after which a job changes no more. */
  private static final Condition NOT_TERMINAL =
      not(
          in(
              STATUS,
              text(JobStatus.COMPLETED.name()),
              text(JobStatus.COMPLETED_WITH_FAILURES.name()),
              text(JobStatus.FAILED.name()),
              text(JobStatus.CANCELLED.name())));

  /** Statuses in which a fan-out runs or may start. */
  private static final Condition MAY_FAN_OUT =
      in(STATUS, text(JobStatus.PENDING.name()), text(JobStatus.FANNING_OUT.name()));

  private final DynamoDbClient dynamo;
  private final String table;
  private final BatchMarkers markers;
  private final FailureSamples failures;
  private final JobActivity activity;

  public DynamoJobStore(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
    this.markers = new BatchMarkers(dynamo, table);
    this.failures = new FailureSamples(dynamo, table);
    this.activity = new JobActivity(dynamo, table);
  }

  @Override
  public JobRecord createIfAbsent(JobRecord job) {
    Map<String, AttributeValue> item = JobItem.created(job);
    try {
      dynamo.putItem(
          r ->
              r.tableName(table)
                  .item(item)
                  .conditionExpression("attribute_not_exists(#pk)")
                  .expressionAttributeNames(Map.of("#pk", PK)));
      return job;
    } catch (ConditionalCheckFailedException exists) {
      return get(job.jobId()).orElseThrow();
    }
  }

  @Override
  public Optional<JobRecord> get(String jobId) {
    Map<String, AttributeValue> item =
        dynamo.getItem(r -> r.tableName(table).key(key(jobId, JOB)).consistentRead(true)).item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(JobItem.toRecord(item));
  }

  @Override
  public JobPage list(int limit, String cursor) {
    QueryResponse response =
        dynamo.query(
            r -> {
              r.tableName(table)
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
    Update update =
        new Update()
            .set(LEASE_OWNER, text(owner))
            .set(LEASE_UNTIL, number(until.toEpochMilli()))
            .set(STATUS, text(JobStatus.FANNING_OUT.name()))
            .set(UPDATED_AT, time(now));
    update.condition(
        equalTo(FANOUT_COMPLETE, bool(false))
            .and(MAY_FAN_OUT)
            .and(
                anyOf(
                    notExists(LEASE_UNTIL),
                    atMost(LEASE_UNTIL, number(now.toEpochMilli())),
                    equalTo(LEASE_OWNER, text(owner)))));
    return conditionalUpdate(jobId, update);
  }

  @Override
  public void releaseFanoutLease(String jobId, String owner) {
    Update update = new Update().remove(LEASE_OWNER).remove(LEASE_UNTIL);
    update.condition(equalTo(LEASE_OWNER, text(owner)));
    conditionalUpdate(jobId, update);
  }

  @Override
  public void describe(
      String jobId,
      String repository,
      String revision,
      long files,
      int chunkTokens,
      int overlapLines,
      int batchSize,
      int concurrency,
      Instant now) {
    update(
        jobId,
        new Update()
            .set(REPOSITORY, text(repository))
            .set(REVISION, text(revision))
            .set(FILES, number(files))
            .set(CHUNK_TOKENS, number(chunkTokens))
            .set(OVERLAP_LINES, number(overlapLines))
            .set(BATCH_SIZE, number(batchSize))
            .set(CONCURRENCY, number(concurrency))
            .set(UPDATED_AT, time(now)));
  }

  @Override
  public boolean registerGroup(String jobId, GroupRegistration group, Instant now) {
    List<TransactWriteItem> writes = new ArrayList<>();
    for (RegisteredBatch batch : group.batches()) {
      writes.add(markers.register(jobId, batch));
    }
    long batched = group.batchedChunks();
    Update job =
        new Update()
            .add(TOTAL, batched + group.cachedChunks())
            .add(PENDING, batched)
            .add(COMPLETED, group.cachedChunks())
            .add(CACHED, group.cachedChunks())
            .add(BATCHES_REGISTERED, group.batches().size())
            .add(FILES_READ, group.filesRead())
            .set(CURSOR, text(group.to().toString()))
            .set(UPDATED_AT, time(now));
    if (group.batches().isEmpty()) {
      job.setFrom(LAST_GROUP_FIRST_SEQ, NEXT_SEQ); // nothing of this group to resend
    } else {
      job.set(NEXT_SEQ, number(group.nextSeq(0)));
      job.set(LAST_GROUP_FIRST_SEQ, number(group.batches().get(0).seq()));
    }
    group.skippedFiles().forEach((reason, count) -> job.add(JobItem.skipped(reason), count));
    job.condition(equalTo(CURSOR, text(group.from().toString())).and(NOT_TERMINAL));
    writes.add(job.inTransaction(table, key(jobId, JOB)));
    if (!group.fileFailures().isEmpty()) {
      writes.add(failures.ofGroup(jobId, group.from(), group.fileFailures(), now));
    }
    return transact(writes);
  }

  @Override
  public void confirmSent(String jobId, long nextSeq) {
    Update update = new Update().set(LAST_GROUP_FIRST_SEQ, number(nextSeq));
    update.condition(lessThan(LAST_GROUP_FIRST_SEQ, number(nextSeq)));
    conditionalUpdate(jobId, update); // false: a later confirmation came first
  }

  @Override
  public void completeFanout(String jobId, Instant now) {
    Update toEmbedding =
        new Update()
            .set(FANOUT_COMPLETE, bool(true))
            .set(STATUS, text(JobStatus.EMBEDDING.name()))
            .set(UPDATED_AT, time(now));
    toEmbedding.condition(equalTo(STATUS, text(JobStatus.FANNING_OUT.name())));
    if (!conditionalUpdate(jobId, toEmbedding)) {
      update(jobId, new Update().set(FANOUT_COMPLETE, bool(true)).set(UPDATED_AT, time(now)));
    }
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
    update.condition(exists(PK).and(NOT_TERMINAL));
    return conditionalUpdate(jobId, update);
  }

  @Override
  public boolean delete(String jobId) {
    boolean existed = get(jobId).isPresent();
    deleteItemsOf(jobId);
    return existed;
  }

  /** Deletes every item of the job's partition: the job, its markers, samples and activity. */
  private void deleteItemsOf(String jobId) {
    List<Map<String, AttributeValue>> keys =
        dynamo
            .queryPaginator(
                r ->
                    r.tableName(table)
                        .keyConditionExpression("#pk = :job")
                        .projectionExpression("#pk, #sk")
                        .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK))
                        .expressionAttributeValues(Map.of(":job", text(jobId))))
            .items()
            .stream()
            .map(item -> Map.of(PK, item.get(PK), SK, item.get(SK)))
            .toList();
    // BatchWriteItem takes at most 25 requests; unprocessed ones are retried until none is left
    // (docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_BatchWriteItem.html)
    for (int i = 0; i < keys.size(); i += 25) {
      Map<String, List<WriteRequest>> requests =
          Map.of(
              table,
              keys.subList(i, Math.min(keys.size(), i + 25)).stream()
                  .map(key -> WriteRequest.builder().deleteRequest(d -> d.key(key)).build())
                  .toList());
      while (!requests.isEmpty()) {
        Map<String, List<WriteRequest>> batch = requests;
        requests = dynamo.batchWriteItem(r -> r.requestItems(batch)).unprocessedItems();
      }
    }
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
    List<TransactWriteItem> writes = new ArrayList<>();
    writes.add(markers.markDone(jobId, seq, result.failed(), now));
    writes.add(
        new Update()
            .add(COMPLETED, result.completed())
            .add(FAILED, result.failed())
            .add(CACHED, result.cached())
            .add(PENDING, -(result.completed() + result.failed()))
            .add(BATCHES_PROCESSED, 1)
            .add(API_CALLS, result.apiCalls())
            .add(TOKENS, result.tokens())
            .set(UPDATED_AT, time(now))
            .inTransaction(table, key(jobId, JOB)));
    writes.add(activity.countMinute(jobId, result.activity(ActivityMinute.minuteOf(now))));
    if (!result.failures().isEmpty()) {
      writes.add(failures.ofBatch(jobId, seq, result.failures(), now));
    }
    return transact(writes);
  }

  @Override
  public List<ActivityMinute> history(String jobId, int limit) {
    return activity.history(jobId, limit);
  }

  @Override
  public Optional<JobStatus> tryFinish(String jobId, Instant now) {
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
      if (conditionalUpdate(jobId, update)) {
        return Optional.of(status);
      }
    }
    return Optional.empty();
  }

  @Override
  public void recordThroughput(String jobId, Instant at, long chunks) {
    activity.recordThroughput(jobId, at, chunks);
  }

  @Override
  public List<ThroughputSample> throughputSince(String jobId, Instant since) {
    return activity.throughputSince(jobId, since);
  }

  @Override
  public List<Failure> failureSample(String jobId, int limit) {
    return failures.sample(jobId, limit);
  }

  /** Updates an existing job item. */
  private void update(String jobId, Update update) {
    dynamo.updateItem(update.condition(exists(PK)).request(table, key(jobId, JOB)));
  }

  /** Updates the job item if the update's condition holds; false if it did not. */
  private boolean conditionalUpdate(String jobId, Update update) {
    try {
      dynamo.updateItem(update.request(table, key(jobId, JOB)));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  /**
   * True if the transaction was applied; false if a condition failed (already done, cursor moved).
   */
  private boolean transact(List<TransactWriteItem> writes) {
    try {
      dynamo.transactWriteItems(r -> r.transactItems(writes));
      return true;
    } catch (TransactionCanceledException e) {
      boolean conditionFailed =
          e.cancellationReasons().stream()
              .anyMatch(reason -> "ConditionalCheckFailed".equals(reason.code()));
      if (conditionFailed) {
        return false;
      }
      throw e;
    }
  }
}
