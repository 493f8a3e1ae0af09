package io.signalhub.indexing.aws.dynamodb;

import static io.signalhub.indexing.aws.dynamodb.Items.bool;
import static io.signalhub.indexing.aws.dynamodb.Items.number;
import static io.signalhub.indexing.aws.dynamodb.Items.text;
import static io.signalhub.indexing.aws.dynamodb.Items.time;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.signalhub.indexing.core.job.ActivityMinute;
import io.signalhub.indexing.core.job.BatchResult;
import io.signalhub.indexing.core.job.BatchState;
import io.signalhub.indexing.core.job.Cursor;
import io.signalhub.indexing.core.job.Failure;
import io.signalhub.indexing.core.job.FanOutPosition;
import io.signalhub.indexing.core.job.GroupRegistration;
import io.signalhub.indexing.core.job.JobCounters;
import io.signalhub.indexing.core.job.JobPage;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobSpec;
import io.signalhub.indexing.core.job.JobState;
import io.signalhub.indexing.core.job.JobStatus;
import io.signalhub.indexing.core.job.JobStore;
import io.signalhub.indexing.core.job.RegisteredBatch;
import io.signalhub.indexing.core.source.SkipReason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.HashMap;
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
 * Jobs in one DynamoDB table ({@code pk} = job id, {@code sk} = item kind): the job item ({@code
 * job}), one marker per batch ({@code batch#<seq>}), failure samples ({@code failure#<time
 * recorded>#<source>}, so they read oldest first), throughput buckets ({@code rate#<epoch>},
 * expiring by TTL) and the per-minute activity history ({@code minute#<epoch>}, counted in each
 * batch's transaction, expiring by TTL). The GSI {@code byCreated} lists jobs newest first.
 *
 * <p>Exactly-once: a batch is counted by a transaction that moves its marker PENDING to DONE and
 * adds to the job's counters; a redelivered batch fails the marker's condition and changes nothing
 * (docs.aws.amazon.com/amazondynamodb/latest/developerguide/transaction-apis.html).
 */
public final class DynamoJobStore implements JobStore {

  public static final String PK = "pk";
  public static final String SK = "sk";
  public static final String GSI = "byCreated";
  public static final String GSI_PK = "gsi1pk";
  public static final String CREATED_AT = "createdAt";
  public static final String EXPIRES_AT = "expiresAt";
  private static final String JOB = "job";

  /** Minute items expire (TTL) a month after their minute: the table's history stays bounded. */
  static final long HISTORY_RETENTION_SECONDS = 30L * 86_400;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final DynamoDbClient dynamo;
  private final String table;

  public DynamoJobStore(DynamoDbClient dynamo, String table) {
    this.dynamo = dynamo;
    this.table = table;
  }

  private static Map<String, AttributeValue> key(String jobId, String sk) {
    return Map.of(PK, text(jobId), SK, text(sk));
  }

  private static String batchKey(long seq) {
    return String.format("batch#%010d", seq);
  }

  @Override
  public JobRecord createIfAbsent(JobRecord job) {
    Map<String, AttributeValue> item = new HashMap<>(key(job.jobId(), JOB));
    item.put(GSI_PK, text(JOB));
    item.put(CREATED_AT, time(job.state().createdAt()));
    item.put("updatedAt", time(job.state().updatedAt()));
    item.put("status", text(job.status().name()));
    item.put("manifestKey", text(job.spec().manifestKey()));
    item.put("provider", text(job.spec().provider()));
    item.put("model", text(job.spec().model()));
    item.put("dimensions", number(job.spec().dimensions()));
    item.put("fanoutComplete", bool(false));
    item.put("cursor", text(Cursor.START.toString()));
    Map<String, AttributeValue> skipped = new HashMap<>();
    for (SkipReason reason : SkipReason.values()) {
      skipped.put(reason.name(), number(0));
    }
    item.put("skipped", AttributeValue.fromM(skipped));
    for (String counter :
        List.of(
            "total",
            "completed",
            "failed",
            "cached",
            "pending",
            "batchesRegistered",
            "batchesProcessed",
            "apiCalls",
            "tokens",
            "files",
            "filesRead",
            "nextSeq",
            "lastGroupFirstSeq")) {
      item.put(counter, number(0));
    }
    try {
      dynamo.putItem(
          r -> r.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
      return job;
    } catch (ConditionalCheckFailedException exists) {
      return get(job.jobId()).orElseThrow();
    }
  }

  @Override
  public Optional<JobRecord> get(String jobId) {
    Map<String, AttributeValue> item =
        dynamo.getItem(r -> r.tableName(table).key(key(jobId, JOB)).consistentRead(true)).item();
    return item == null || item.isEmpty() ? Optional.empty() : Optional.of(toRecord(item));
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
                r.exclusiveStartKey(decodeCursor(cursor));
              }
            });
    List<JobRecord> jobs = response.items().stream().map(DynamoJobStore::toRecord).toList();
    return new JobPage(
        jobs,
        response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
            ? encodeCursor(response.lastEvaluatedKey())
            : null);
  }

  @Override
  public boolean acquireFanoutLease(String jobId, String owner, Instant now, Instant until) {
    Update update = new Update();
    update
        .set("leaseOwner", text(owner))
        .set("leaseUntil", number(until.toEpochMilli()))
        .set("status", text(JobStatus.FANNING_OUT.name()))
        .set("updatedAt", time(now));
    update.condition(
        update.name("fanoutComplete")
            + " = "
            + update.value(bool(false))
            + " AND "
            + update.name("status")
            + " IN ("
            + update.value(text("PENDING"))
            + ", "
            + update.value(text("FANNING_OUT"))
            + ")"
            + " AND (attribute_not_exists("
            + update.name("leaseUntil")
            + ") OR "
            + update.name("leaseUntil")
            + " <= "
            + update.value(number(now.toEpochMilli()))
            + " OR "
            + update.name("leaseOwner")
            + " = "
            + update.value(text(owner))
            + ")");
    return conditionalUpdate(jobId, JOB, update);
  }

  @Override
  public void releaseFanoutLease(String jobId, String owner) {
    Update update = new Update().remove("leaseOwner").remove("leaseUntil");
    update.condition(update.name("leaseOwner") + " = " + update.value(text(owner)));
    conditionalUpdate(jobId, JOB, update);
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
            .set("repository", text(repository))
            .set("revision", text(revision))
            .set("files", number(files))
            .set("chunkTokens", number(chunkTokens))
            .set("overlapLines", number(overlapLines))
            .set("batchSize", number(batchSize))
            .set("concurrency", number(concurrency))
            .set("updatedAt", time(now)));
  }

  @Override
  public boolean registerGroup(String jobId, GroupRegistration group, Instant now) {
    List<TransactWriteItem> writes = new ArrayList<>();
    for (RegisteredBatch batch : group.batches()) {
      Map<String, AttributeValue> marker = new HashMap<>(key(jobId, batchKey(batch.seq())));
      marker.put("state", text(BatchState.PENDING.name()));
      marker.put("chunks", number(batch.chunks()));
      writes.add(
          TransactWriteItem.builder()
              .put(
                  p ->
                      p.tableName(table)
                          .item(marker)
                          .conditionExpression("attribute_not_exists(pk)"))
              .build());
    }
    long batched = group.batchedChunks();
    Update job =
        new Update()
            .add("total", batched + group.cachedChunks())
            .add("pending", batched)
            .add("completed", group.cachedChunks())
            .add("cached", group.cachedChunks())
            .add("batchesRegistered", group.batches().size())
            .add("filesRead", group.filesRead())
            .set("cursor", text(group.to().toString()))
            .set("updatedAt", time(now));
    if (group.batches().isEmpty()) {
      job.setFrom("lastGroupFirstSeq", "nextSeq"); // nothing of this group to resend
    } else {
      job.set("nextSeq", number(group.nextSeq(0)));
      job.set("lastGroupFirstSeq", number(group.batches().get(0).seq()));
    }
    group.skippedFiles().forEach((reason, count) -> job.add("skipped." + reason.name(), count));
    job.condition(
        job.name("cursor")
            + " = "
            + job.value(text(group.from().toString()))
            + " AND "
            + notTerminal(job));
    writes.add(transactUpdate(jobId, JOB, job));
    if (!group.fileFailures().isEmpty()) {
      writes.add(
          failureItem(
              jobId,
              failureKey(
                  now, String.format("f#%019d:%010d", group.from().file(), group.from().chunk())),
              group.fileFailures()));
    }
    return transact(writes);
  }

  @Override
  public void confirmSent(String jobId, long nextSeq) {
    Update update = new Update().set("lastGroupFirstSeq", number(nextSeq));
    update.condition(update.name("lastGroupFirstSeq") + " < " + update.value(number(nextSeq)));
    conditionalUpdate(jobId, JOB, update); // false: a later confirmation came first
  }

  @Override
  public void completeFanout(String jobId, Instant now) {
    Update toEmbedding =
        new Update()
            .set("fanoutComplete", bool(true))
            .set("status", text(JobStatus.EMBEDDING.name()))
            .set("updatedAt", time(now));
    toEmbedding.condition(
        toEmbedding.name("status") + " = " + toEmbedding.value(text(JobStatus.FANNING_OUT.name())));
    if (!conditionalUpdate(jobId, JOB, toEmbedding)) {
      update(jobId, new Update().set("fanoutComplete", bool(true)).set("updatedAt", time(now)));
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
            .set("status", text(status.name()))
            .set("reason", text(reason))
            .set("finishedAt", time(now))
            .set("updatedAt", time(now));
    update.condition("attribute_exists(pk) AND " + notTerminal(update));
    return conditionalUpdate(jobId, JOB, update);
  }

  @Override
  public boolean delete(String jobId) {
    boolean existed = get(jobId).isPresent();
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
    return existed;
  }

  @Override
  public BatchState batchState(String jobId, long seq) {
    Map<String, AttributeValue> marker = marker(jobId, seq);
    return marker == null
        ? BatchState.MISSING
        : BatchState.valueOf(text(marker, "state", "MISSING"));
  }

  @Override
  public List<Long> pendingBatches(String jobId) {
    return dynamo
        .queryPaginator(
            r ->
                r.tableName(table)
                    .consistentRead(true)
                    .keyConditionExpression("#pk = :job AND begins_with(#sk, :batch)")
                    .filterExpression("#state = :pending")
                    .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK, "#state", "state"))
                    .expressionAttributeValues(
                        Map.of(
                            ":job",
                            text(jobId),
                            ":batch",
                            text("batch#"),
                            ":pending",
                            text(BatchState.PENDING.name()))))
        .items()
        .stream()
        .map(item -> Long.parseLong(text(item, SK, "batch#0").substring(6)))
        .toList();
  }

  @Override
  public int batchSize(String jobId, long seq) {
    Map<String, AttributeValue> marker = marker(jobId, seq);
    return marker == null ? -1 : (int) number(marker, "chunks");
  }

  private Map<String, AttributeValue> marker(String jobId, long seq) {
    Map<String, AttributeValue> item =
        dynamo
            .getItem(r -> r.tableName(table).key(key(jobId, batchKey(seq))).consistentRead(true))
            .item();
    return item == null || item.isEmpty() ? null : item;
  }

  @Override
  public boolean recordBatch(String jobId, long seq, BatchResult result, Instant now) {
    List<TransactWriteItem> writes = new ArrayList<>();
    Update marker =
        new Update()
            .set("state", text(BatchState.DONE.name()))
            .set("doneAt", time(now))
            .set("failed", number(result.failed()));
    marker.condition(marker.name("state") + " = " + marker.value(text(BatchState.PENDING.name())));
    writes.add(transactUpdate(jobId, batchKey(seq), marker));
    writes.add(
        transactUpdate(
            jobId,
            JOB,
            new Update()
                .add("completed", result.completed())
                .add("failed", result.failed())
                .add("cached", result.cached())
                .add("pending", -(result.completed() + result.failed()))
                .add("batchesProcessed", 1)
                .add("apiCalls", result.apiCalls())
                .add("tokens", result.tokens())
                .set("updatedAt", time(now))));
    Instant minute = ActivityMinute.minuteOf(now);
    ActivityMinute activity = result.activity(minute);
    writes.add(
        transactUpdate(
            jobId,
            minuteKey(minute),
            new Update()
                .add("completed", activity.completed())
                .add("failed", activity.failed())
                .add("tokens", activity.tokens())
                .add("requests", activity.requests())
                .add("throttled", activity.throttled())
                .add("retries", activity.retries())
                .set(EXPIRES_AT, number(minute.getEpochSecond() + HISTORY_RETENTION_SECONDS))));
    if (!result.failures().isEmpty()) {
      writes.add(
          failureItem(jobId, failureKey(now, String.format("b#%010d", seq)), result.failures()));
    }
    return transact(writes);
  }

  private static String minuteKey(Instant minute) {
    return String.format("minute#%012d", minute.getEpochSecond());
  }

  /**
   * The newest {@code limit} minute items of the job's partition, read newest first and returned
   * oldest first: one query of at most {@link #HISTORY_MINUTES} small items.
   */
  @Override
  public List<ActivityMinute> history(String jobId, int limit) {
    List<ActivityMinute> minutes =
        new ArrayList<>(
            dynamo
                .query(
                    r ->
                        r.tableName(table)
                            .keyConditionExpression("#pk = :job AND begins_with(#sk, :minute)")
                            .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK))
                            .expressionAttributeValues(
                                Map.of(":job", text(jobId), ":minute", text("minute#")))
                            .scanIndexForward(false)
                            .limit(Math.min(limit, HISTORY_MINUTES)))
                .items()
                .stream()
                .map(
                    item ->
                        new ActivityMinute(
                            Instant.ofEpochSecond(
                                Long.parseLong(text(item, SK, "minute#0").substring(7))),
                            number(item, "completed"),
                            number(item, "failed"),
                            number(item, "tokens"),
                            number(item, "requests"),
                            number(item, "throttled"),
                            number(item, "retries")))
                .toList());
    java.util.Collections.reverse(minutes);
    return minutes;
  }

  @Override
  public Optional<JobStatus> tryFinish(String jobId, Instant now) {
    for (JobStatus status : List.of(JobStatus.COMPLETED, JobStatus.COMPLETED_WITH_FAILURES)) {
      Update update =
          new Update()
              .set("status", text(status.name()))
              .set("finishedAt", time(now))
              .set("updatedAt", time(now));
      String zero = update.value(number(0));
      update.condition(
          update.name("fanoutComplete")
              + " = "
              + update.value(bool(true))
              + " AND "
              + update.name("pending")
              + " = "
              + zero
              + " AND "
              + update.name("status")
              + " IN ("
              + update.value(text("FANNING_OUT"))
              + ", "
              + update.value(text("EMBEDDING"))
              + ")"
              + " AND "
              + update.name("failed")
              + (status == JobStatus.COMPLETED ? " = " : " > ")
              + zero);
      if (conditionalUpdate(jobId, JOB, update)) {
        return Optional.of(status);
      }
    }
    return Optional.empty();
  }

  @Override
  public void recordThroughput(String jobId, Instant at, long chunks) {
    long bucket = at.getEpochSecond() / THROUGHPUT_BUCKET_SECONDS * THROUGHPUT_BUCKET_SECONDS;
    Update update = new Update().add("chunks", chunks).set(EXPIRES_AT, number(bucket + 86_400));
    dynamo.updateItem(
        r ->
            r.tableName(table)
                .key(key(jobId, String.format("rate#%012d", bucket)))
                .updateExpression(update.expression())
                .expressionAttributeNames(update.names())
                .expressionAttributeValues(update.values()));
  }

  @Override
  public List<ThroughputSample> throughputSince(String jobId, Instant since) {
    long from = since.getEpochSecond() / THROUGHPUT_BUCKET_SECONDS * THROUGHPUT_BUCKET_SECONDS;
    return dynamo
        .query(
            r ->
                r.tableName(table)
                    .keyConditionExpression("#pk = :job AND #sk BETWEEN :from AND :to")
                    .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK))
                    .expressionAttributeValues(
                        Map.of(
                            ":job",
                            text(jobId),
                            ":from",
                            text(String.format("rate#%012d", from)),
                            ":to",
                            text("rate#~"))))
        .items()
        .stream()
        .map(
            item ->
                new ThroughputSample(
                    Instant.ofEpochSecond(Long.parseLong(text(item, SK, "rate#0").substring(5))),
                    number(item, "chunks")))
        .toList();
  }

  @Override
  public List<Failure> failureSample(String jobId, int limit) {
    List<Failure> failures = new ArrayList<>();
    for (Map<String, AttributeValue> item :
        dynamo
            .query(
                r ->
                    r.tableName(table)
                        .keyConditionExpression("#pk = :job AND begins_with(#sk, :failure)")
                        .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK))
                        .expressionAttributeValues(
                            Map.of(":job", text(jobId), ":failure", text("failure#")))
                        .limit(limit))
            .items()) {
      for (AttributeValue entry :
          item.getOrDefault("failures", AttributeValue.fromL(List.of())).l()) {
        if (failures.size() < limit) {
          failures.add(new Failure(text(entry.m(), "location", ""), text(entry.m(), "reason", "")));
        }
      }
    }
    return failures;
  }

  /**
   * Failure items sort by the time they were recorded, so a query reads them oldest first; the
   * source (a batch, or the group starting at a cursor) keeps keys unique and their order stable.
   */
  private static String failureKey(Instant at, String source) {
    return String.format("failure#%012d%09d#%s", at.getEpochSecond(), at.getNano(), source);
  }

  private TransactWriteItem failureItem(String jobId, String sk, List<Failure> failures) {
    Map<String, AttributeValue> item = new HashMap<>(key(jobId, sk));
    item.put(
        "failures",
        AttributeValue.fromL(
            failures.stream()
                .limit(FAILURES_KEPT_PER_WRITE)
                .map(
                    f ->
                        AttributeValue.fromM(
                            Map.of(
                                "location",
                                text(f.location()),
                                "reason",
                                text(f.reason() == null ? "" : f.reason()))))
                .toList()));
    return TransactWriteItem.builder().put(p -> p.tableName(table).item(item)).build();
  }

  private static String notTerminal(Update update) {
    return "NOT "
        + update.name("status")
        + " IN ("
        + update.value(text("COMPLETED"))
        + ", "
        + update.value(text("COMPLETED_WITH_FAILURES"))
        + ", "
        + update.value(text("FAILED"))
        + ", "
        + update.value(text("CANCELLED"))
        + ")";
  }

  private TransactWriteItem transactUpdate(String jobId, String sk, Update update) {
    return TransactWriteItem.builder()
        .update(
            u ->
                u.tableName(table)
                    .key(key(jobId, sk))
                    .updateExpression(update.expression())
                    .conditionExpression(update.conditionExpression())
                    .expressionAttributeNames(update.names())
                    .expressionAttributeValues(update.values()))
        .build();
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

  private void update(String jobId, Update update) {
    dynamo.updateItem(
        r ->
            r.tableName(table)
                .key(key(jobId, JOB))
                .updateExpression(update.expression())
                .conditionExpression("attribute_exists(pk)")
                .expressionAttributeNames(update.names())
                .expressionAttributeValues(update.values()));
  }

  private boolean conditionalUpdate(String jobId, String sk, Update update) {
    try {
      dynamo.updateItem(
          r ->
              r.tableName(table)
                  .key(key(jobId, sk))
                  .updateExpression(update.expression())
                  .conditionExpression(update.conditionExpression())
                  .expressionAttributeNames(update.names())
                  .expressionAttributeValues(update.values()));
      return true;
    } catch (ConditionalCheckFailedException e) {
      return false;
    }
  }

  private static JobRecord toRecord(Map<String, AttributeValue> item) {
    Map<SkipReason, Long> skipped = new EnumMap<>(SkipReason.class);
    item.getOrDefault("skipped", AttributeValue.fromM(Map.of()))
        .m()
        .forEach(
            (reason, count) -> {
              long n = Long.parseLong(count.n());
              if (n > 0) {
                skipped.put(SkipReason.valueOf(reason), n);
              }
            });
    return new JobRecord(
        text(item, PK, ""),
        new JobSpec(
            text(item, "repository", ""),
            text(item, "revision", ""),
            text(item, "manifestKey", ""),
            text(item, "provider", ""),
            text(item, "model", ""),
            (int) number(item, "dimensions"),
            (int) number(item, "chunkTokens"),
            (int) number(item, "overlapLines"),
            (int) number(item, "batchSize"),
            (int) number(item, "concurrency")),
        new JobCounters(
            number(item, "files"),
            number(item, "filesRead"),
            Map.copyOf(skipped),
            number(item, "total"),
            number(item, "completed"),
            number(item, "failed"),
            number(item, "cached"),
            number(item, "pending"),
            number(item, "batchesRegistered"),
            number(item, "batchesProcessed"),
            number(item, "apiCalls"),
            number(item, "tokens")),
        new FanOutPosition(
            bool(item, "fanoutComplete"),
            Cursor.parse(text(item, "cursor", "0:0")),
            number(item, "nextSeq"),
            number(item, "lastGroupFirstSeq")),
        new JobState(
            JobStatus.valueOf(text(item, "status", "PENDING")),
            text(item, "reason", null),
            time(item, CREATED_AT),
            time(item, "updatedAt"),
            time(item, "finishedAt")));
  }

  private static String encodeCursor(Map<String, AttributeValue> key) {
    Map<String, String> plain = new HashMap<>();
    key.forEach((name, value) -> plain.put(name, value.s()));
    try {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(plain));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, AttributeValue> decodeCursor(String cursor) {
    try {
      Map<String, String> plain =
          JSON.readValue(
              new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8),
              new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() {});
      Map<String, AttributeValue> key = new HashMap<>();
      plain.forEach((name, value) -> key.put(name, text(value)));
      return key;
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("Malformed page cursor", e);
    }
  }
}
