package io.signalhub.indexing.aws.dynamodb;

import static io.signalhub.indexing.aws.dynamodb.Items.EXPIRES_AT;
import static io.signalhub.indexing.aws.dynamodb.Items.number;
import static io.signalhub.indexing.aws.dynamodb.Items.text;
import static io.signalhub.indexing.aws.dynamodb.JobItem.PK;
import static io.signalhub.indexing.aws.dynamodb.JobItem.SK;
import static io.signalhub.indexing.aws.dynamodb.JobItem.key;
import static io.signalhub.indexing.core.job.JobStore.HISTORY_MINUTES;

import io.signalhub.indexing.core.job.ActivityMinute;
import io.signalhub.indexing.core.job.JobStore;
import io.signalhub.indexing.core.job.JobStore.ThroughputSample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;

/**
 * A job's activity over time, in items that expire by TTL: throughput buckets ({@code
 * rate#<epoch>}, for the rate and ETA) and the per-minute history ({@code minute#<epoch>}, counted
 * in each batch's transaction).
 */
record JobActivity(JobPartition partition) {
  private static final String MINUTE = "minute#";
  private static final String RATE = "rate#";
  private static final String CHUNKS = "chunks";
  private static final String COMPLETED = "completed";
  private static final String FAILED = "failed";
  private static final String TOKENS = "tokens";
  private static final String REQUESTS = "requests";
  private static final String THROTTLED = "throttled";
  private static final String RETRIES = "retries";

  /** Minute items expire (TTL) a month after their minute: the table's history stays bounded. */
  static final long HISTORY_RETENTION_SECONDS = 30L * 86_400;

  /** Throughput buckets expire a day after they start. */
  private static final long THROUGHPUT_RETENTION_SECONDS = 86_400;

  /** Adds one batch's activity to its minute, as a write of the batch's transaction. */
  TransactWriteItem countMinute(String jobId, ActivityMinute activity) {
    Instant minute = activity.minute();
    return new Update()
        .add(COMPLETED, activity.completed())
        .add(FAILED, activity.failed())
        .add(TOKENS, activity.tokens())
        .add(REQUESTS, activity.requests())
        .add(THROTTLED, activity.throttled())
        .add(RETRIES, activity.retries())
        .set(EXPIRES_AT, number(minute.getEpochSecond() + HISTORY_RETENTION_SECONDS))
        .inTransaction(partition.table(), key(jobId, minuteKey(minute)));
  }

  private static String minuteKey(Instant minute) {
    return String.format(MINUTE + "%012d", minute.getEpochSecond());
  }

  /**
   * The newest {@code limit} minute items of the job's partition, read newest first and returned
   * oldest first: one query of at most {@link JobStore#HISTORY_MINUTES} small items.
   */
  List<ActivityMinute> history(String jobId, int limit) {
    List<ActivityMinute> minutes =
        new ArrayList<>(
            partition.first(jobId, MINUTE, Math.min(limit, HISTORY_MINUTES), false).stream()
                .map(
                    item ->
                        new ActivityMinute(
                            Instant.ofEpochSecond(JobPartition.sortKeyNumber(item, MINUTE)),
                            number(item, COMPLETED),
                            number(item, FAILED),
                            number(item, TOKENS),
                            number(item, REQUESTS),
                            number(item, THROTTLED),
                            number(item, RETRIES)))
                .toList());
    Collections.reverse(minutes);
    return minutes;
  }

  /**
   * Adds one batch's finished chunks to the throughput bucket of {@code at}, in its transaction.
   */
  TransactWriteItem countThroughput(String jobId, Instant at, long chunks) {
    long bucket = ThroughputSample.bucketOf(at).getEpochSecond();
    return new Update()
        .add(CHUNKS, chunks)
        .set(EXPIRES_AT, number(bucket + THROUGHPUT_RETENTION_SECONDS))
        .inTransaction(partition.table(), key(jobId, rateKey(bucket)));
  }

  List<ThroughputSample> throughputSince(String jobId, Instant since) {
    long from = ThroughputSample.bucketOf(since).getEpochSecond();
    return partition
        .dynamo()
        .query(
            r ->
                r.tableName(partition.table())
                    .keyConditionExpression("#pk = :job AND #sk BETWEEN :from AND :to")
                    .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK))
                    .expressionAttributeValues(
                        Map.of(
                            ":job",
                            text(jobId),
                            ":from",
                            text(rateKey(from)),
                            ":to",
                            text(RATE + "~"))))
        .items()
        .stream()
        .map(
            item ->
                new ThroughputSample(
                    Instant.ofEpochSecond(JobPartition.sortKeyNumber(item, RATE)),
                    number(item, CHUNKS)))
        .toList();
  }

  private static String rateKey(long bucket) {
    return String.format(RATE + "%012d", bucket);
  }
}
