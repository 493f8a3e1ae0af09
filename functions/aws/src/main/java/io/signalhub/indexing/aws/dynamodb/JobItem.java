package io.signalhub.indexing.aws.dynamodb;

import static io.signalhub.indexing.aws.dynamodb.Items.bool;
import static io.signalhub.indexing.aws.dynamodb.Items.number;
import static io.signalhub.indexing.aws.dynamodb.Items.text;
import static io.signalhub.indexing.aws.dynamodb.Items.time;

import io.signalhub.indexing.core.job.Cursor;
import io.signalhub.indexing.core.job.FanOutPosition;
import io.signalhub.indexing.core.job.JobCounters;
import io.signalhub.indexing.core.job.JobRecord;
import io.signalhub.indexing.core.job.JobSpec;
import io.signalhub.indexing.core.job.JobState;
import io.signalhub.indexing.core.job.JobStatus;
import io.signalhub.indexing.core.source.SkipReason;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The job item of the jobs table ({@code pk} = job id, {@code sk} = {@code job}): every attribute
 * name in one place, and the conversions between the item and a {@link JobRecord}.
 */
final class JobItem {
  private JobItem() {}

  // The table's keys and its jobs index (the stack in infra/ declares the same names).
  static final String PK = "pk";
  static final String SK = "sk";
  static final String GSI = "byCreated";
  static final String GSI_PK = "gsi1pk";

  /** The sort key of the job item, and the jobs index's partition value. */
  static final String JOB = "job";

  // JobSpec
  static final String REPOSITORY = "repository";
  static final String REVISION = "revision";
  static final String MANIFEST_KEY = "manifestKey";
  static final String PROVIDER = "provider";
  static final String MODEL = "model";
  static final String DIMENSIONS = "dimensions";
  static final String CHUNK_TOKENS = "chunkTokens";
  static final String OVERLAP_LINES = "overlapLines";
  static final String BATCH_SIZE = "batchSize";
  static final String CONCURRENCY = "concurrency";

  // JobCounters
  static final String FILES = "files";
  static final String FILES_READ = "filesRead";

  /** A map of skip reason to count; {@code skipped.<REASON>} is a path into it. */
  static final String SKIPPED = "skipped";

  static final String TOTAL = "total";
  static final String COMPLETED = "completed";
  static final String FAILED = "failed";
  static final String CACHED = "cached";
  static final String PENDING = "pending";
  static final String BATCHES_REGISTERED = "batchesRegistered";
  static final String BATCHES_PROCESSED = "batchesProcessed";
  static final String API_CALLS = "apiCalls";
  static final String TOKENS = "tokens";

  // FanOutPosition and the fan-out's lease
  static final String FANOUT_COMPLETE = "fanoutComplete";
  static final String CURSOR = "cursor";
  static final String NEXT_SEQ = "nextSeq";
  static final String LAST_GROUP_FIRST_SEQ = "lastGroupFirstSeq";
  static final String LEASE_OWNER = "leaseOwner";
  static final String LEASE_UNTIL = "leaseUntil";

  // A sharded fan-out's plan and progress (each shard's own position is an item of its own)
  static final String SHARDS = "shards";
  static final String SHARDS_DONE = "shardsDone";

  // JobState
  static final String STATUS = "status";
  static final String REASON = "reason";
  static final String CREATED_AT = "createdAt";
  static final String UPDATED_AT = "updatedAt";
  static final String FINISHED_AT = "finishedAt";

  /** Statuses after which a job changes no more. */
  static final Condition NOT_TERMINAL =
      Condition.not(
          Condition.in(
              STATUS,
              text(JobStatus.COMPLETED.name()),
              text(JobStatus.COMPLETED_WITH_FAILURES.name()),
              text(JobStatus.FAILED.name()),
              text(JobStatus.CANCELLED.name())));

  /** The counters a new job item starts at zero, so that {@code ADD} and conditions find them. */
  private static final List<String> ZEROED =
      List.of(
          TOTAL,
          COMPLETED,
          FAILED,
          CACHED,
          PENDING,
          BATCHES_REGISTERED,
          BATCHES_PROCESSED,
          API_CALLS,
          TOKENS,
          FILES,
          FILES_READ,
          NEXT_SEQ,
          LAST_GROUP_FIRST_SEQ);

  /** The key of one of a job's items. */
  static Map<String, AttributeValue> key(String jobId, String sk) {
    return Map.of(PK, text(jobId), SK, text(sk));
  }

  /** The path of one skip reason's count inside {@link #SKIPPED}. */
  static String skipped(SkipReason reason) {
    return SKIPPED + "." + reason.name();
  }

  /** The item of a job just created: its spec, and every counter at zero. */
  static Map<String, AttributeValue> created(JobRecord job) {
    Map<String, AttributeValue> item = new HashMap<>(key(job.jobId(), JOB));
    item.put(GSI_PK, text(JOB));
    item.put(CREATED_AT, time(job.state().createdAt()));
    item.put(UPDATED_AT, time(job.state().updatedAt()));
    item.put(STATUS, text(job.status().name()));
    item.put(MANIFEST_KEY, text(job.spec().manifestKey()));
    item.put(PROVIDER, text(job.spec().provider()));
    item.put(MODEL, text(job.spec().model()));
    item.put(DIMENSIONS, number(job.spec().dimensions()));
    item.put(FANOUT_COMPLETE, bool(false));
    item.put(CURSOR, text(Cursor.START.toString()));
    Map<String, AttributeValue> skipped = new HashMap<>();
    for (SkipReason reason : SkipReason.values()) {
      skipped.put(reason.name(), number(0));
    }
    item.put(SKIPPED, AttributeValue.fromM(skipped));
    for (String counter : ZEROED) {
      item.put(counter, number(0));
    }
    return item;
  }

  static JobRecord toRecord(Map<String, AttributeValue> item) {
    return new JobRecord(text(item, PK, ""), spec(item), counters(item), fanOut(item), state(item));
  }

  private static JobSpec spec(Map<String, AttributeValue> item) {
    return new JobSpec(
        text(item, REPOSITORY, ""),
        text(item, REVISION, ""),
        text(item, MANIFEST_KEY, ""),
        text(item, PROVIDER, ""),
        text(item, MODEL, ""),
        (int) number(item, DIMENSIONS),
        (int) number(item, CHUNK_TOKENS),
        (int) number(item, OVERLAP_LINES),
        (int) number(item, BATCH_SIZE),
        (int) number(item, CONCURRENCY));
  }

  private static JobCounters counters(Map<String, AttributeValue> item) {
    Map<SkipReason, Long> skipped = new EnumMap<>(SkipReason.class);
    item.getOrDefault(SKIPPED, AttributeValue.fromM(Map.of()))
        .m()
        .forEach(
            (reason, count) -> {
              long n = Long.parseLong(count.n());
              if (n > 0) {
                skipped.put(SkipReason.valueOf(reason), n);
              }
            });
    return new JobCounters(
        number(item, FILES),
        number(item, FILES_READ),
        Map.copyOf(skipped),
        number(item, TOTAL),
        number(item, COMPLETED),
        number(item, FAILED),
        number(item, CACHED),
        number(item, PENDING),
        number(item, BATCHES_REGISTERED),
        number(item, BATCHES_PROCESSED),
        number(item, API_CALLS),
        number(item, TOKENS));
  }

  private static FanOutPosition fanOut(Map<String, AttributeValue> item) {
    return new FanOutPosition(
        bool(item, FANOUT_COMPLETE),
        Cursor.parse(text(item, CURSOR, "0:0")),
        number(item, NEXT_SEQ),
        number(item, LAST_GROUP_FIRST_SEQ));
  }

  private static JobState state(Map<String, AttributeValue> item) {
    return new JobState(
        JobStatus.valueOf(text(item, STATUS, "PENDING")),
        text(item, REASON, null),
        time(item, CREATED_AT),
        time(item, UPDATED_AT),
        time(item, FINISHED_AT));
  }
}
